"""Only Admin Tapem edits instrument sets: every role × every editing URL × own region /
other region, with the exact status. Reading (download, comparison) is for every member.
"""

import pytest
from django_scopes import scopes_disabled

from instruments.models import (
    Aspect,
    AwardTier,
    Indicator,
    InstrumentSet,
    Option,
    PredicateBand,
    Stage,
    TieBreakRule,
)
from instruments.services import instrument_set_clone, instrument_set_import_data
from tests.instruments.builders import bigger_set

ROLES = [
    "anonymous",
    "tanpa_peran",
    "tapem_bekasi",
    "operator_bantargebang",
    "penilai_bekasi",
    "pimpinan_bekasi",
]
NOT_TAPEM = ["operator_bantargebang", "penilai_bekasi", "pimpinan_bekasi"]

# Editing URLs inside a region ({r}); {s} a set, {stage}, {aspect}, … its parts. The method
# and Tapem's status in the own region; the clone is a POST that redirects to the new set.
EDIT_PAGES = {
    "instrument_set_upload": ("GET", "/{r}/instrumen/unggah/", 200),
    "instrument_set_edit": ("GET", "/{r}/instrumen/{s}/ubah/", 200),
    "instrument_set_clone": ("POST", "/{r}/instrumen/{s}/versi-baru/", 302),
    "stage_add": ("GET", "/{r}/instrumen/{s}/tahap/tambah/", 200),
    "aspect_add": ("GET", "/{r}/instrumen/{s}/tahap/{stage}/aspek/tambah/", 200),
    "indicator_add": ("GET", "/{r}/instrumen/{s}/aspek/{aspect}/indikator/tambah/", 200),
    "option_add": ("GET", "/{r}/instrumen/{s}/indikator/{indicator}/pilihan/tambah/", 200),
    "band_add": ("GET", "/{r}/instrumen/{s}/predikat/tambah/", 200),
    "tie_break_add": ("GET", "/{r}/instrumen/{s}/seri/tambah/", 200),
    "award_add": ("GET", "/{r}/instrumen/{s}/penghargaan/tambah/", 200),
    **{
        f"{kind}_{action}": ("GET", f"/{{r}}/instrumen/{{s}}/{kind}/{{{kind}}}/{action}/", 200)
        for kind in ("tahap", "aspek", "indikator", "pilihan", "predikat", "seri", "penghargaan")
        for action in ("ubah", "hapus")
    },
}
READ_PAGES = {
    "instrument_set_download": "/{r}/instrumen/{s}/unduh/",
    "instrument_set_compare": "/{r}/instrumen/{s}/bandingkan/?dengan={v2}",
}


@pytest.fixture
def sets(tenancy):
    """One set with every kind of part per region, plus a second version for comparing."""
    result = {}
    with scopes_disabled():
        for slug, region in (("bekasi", tenancy.bekasi), ("tegal", tenancy.tegal)):
            instrument_set = instrument_set_import_data(
                region=region, data=bigger_set(stages=1, aspects=1, indicators=1)
            )
            first = {"instrument_set": instrument_set}
            result[slug] = {
                "s": instrument_set.pk,
                "v2": instrument_set_clone(instrument_set=instrument_set).pk,
                "tahap": Stage.objects.get(**first).pk,
                "aspek": Aspect.objects.get(stage__instrument_set=instrument_set).pk,
                "indikator": Indicator.objects.get(aspect__stage__instrument_set=instrument_set).pk,
                "pilihan": Option.objects.filter(
                    indicator__aspect__stage__instrument_set=instrument_set
                )
                .first()
                .pk,
                "predikat": PredicateBand.objects.filter(**first).first().pk,
                "seri": TieBreakRule.objects.get(**first).pk,
                "penghargaan": AwardTier.objects.get(**first).pk,
            }
            result[slug]["stage"] = result[slug]["tahap"]
            result[slug]["aspect"] = result[slug]["aspek"]
            result[slug]["indicator"] = result[slug]["indikator"]
    return result


def _request(client, role, tenancy, method, url):
    if role != "anonymous":
        client.force_login(tenancy.users[role])
    return client.post(url) if method == "POST" else client.get(url)


def _expected_own_region(role, page):
    return {
        "anonymous": 302,  # to the login page
        "tanpa_peran": 404,  # not a member: the region does not exist for them
        "tapem_bekasi": EDIT_PAGES[page][2],
    }.get(role, 403)


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_editing_in_own_region(role, page, client, tenancy, sets):
    method, pattern, _status = EDIT_PAGES[page]
    url = pattern.format(r="bekasi", **sets["bekasi"])
    response = _request(client, role, tenancy, method, url)
    assert response.status_code == _expected_own_region(role, page)
    if role == "anonymous":
        assert response["Location"].startswith("/akun/login/")


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("role", NOT_TAPEM)
def test_other_roles_cannot_post_edits(role, page, client, tenancy, sets):
    _method, pattern, _status = EDIT_PAGES[page]
    with scopes_disabled():
        before = InstrumentSet.objects.count(), Stage.objects.count(), Option.objects.count()
    response = _request(client, role, tenancy, "POST", pattern.format(r="bekasi", **sets["bekasi"]))
    assert response.status_code == 403
    with scopes_disabled():
        assert (InstrumentSet.objects.count(), Stage.objects.count(), Option.objects.count()) == (
            before
        )


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("role", [*ROLES[1:], "tapem_tegal"])
def test_other_region_is_not_found(role, page, client, tenancy, sets):
    method, pattern, _status = EDIT_PAGES[page]
    if role == "tapem_tegal":  # Tapem of Tegal reaching into Bekasi
        url = pattern.format(r="bekasi", **sets["bekasi"])
    else:
        url = pattern.format(r="tegal", **sets["tegal"])
    assert _request(client, role, tenancy, method, url).status_code == 404


@pytest.mark.parametrize("page", [p for p in EDIT_PAGES if p != "instrument_set_upload"])
def test_another_regions_set_through_own_region_url_is_not_found(page, client, tenancy, sets):
    method, pattern, _status = EDIT_PAGES[page]
    url = pattern.format(r="bekasi", **sets["tegal"])
    assert _request(client, "tapem_bekasi", tenancy, method, url).status_code == 404


PAGES_WITH_A_PART = [p for p in EDIT_PAGES if EDIT_PAGES[p][1].count("{") > 2]


@pytest.mark.parametrize("page", PAGES_WITH_A_PART)
def test_own_set_with_another_regions_part_is_not_found(page, client, tenancy, sets):
    method, pattern, _status = EDIT_PAGES[page]
    parts = {key: value for key, value in sets["tegal"].items() if key != "s"}
    url = pattern.format(r="bekasi", s=sets["bekasi"]["s"], **parts)
    assert _request(client, "tapem_bekasi", tenancy, method, url).status_code == 404


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_reading_in_own_region(role, page, client, tenancy, sets):
    response = _request(
        client, role, tenancy, "GET", READ_PAGES[page].format(r="bekasi", **sets["bekasi"])
    )
    expected = {"anonymous": 302, "tanpa_peran": 404}.get(role, 200)
    assert response.status_code == expected


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("role", ROLES[1:])
def test_reading_other_region_is_not_found(role, page, client, tenancy, sets):
    url = READ_PAGES[page].format(r="tegal", **sets["tegal"])
    assert _request(client, role, tenancy, "GET", url).status_code == 404
