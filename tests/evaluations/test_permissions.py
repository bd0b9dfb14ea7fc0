"""Who can open what: every role × every page × own region / other region."""

import pytest
from django_scopes import scopes_disabled

from evaluations.services import period_create
from instruments.services import instrument_set_import_data
from tests.instruments.builders import tiny_set

ROLES = [
    "anonymous",
    "tanpa_peran",
    "tapem_bekasi",
    "operator_bantargebang",
    "penilai_bekasi",
    "pimpinan_bekasi",
]
BEKASI_ROLES = ROLES[2:]

# Pages inside a region; {k} is a kecamatan of that region, {s} an instrument set.
REGION_PAGES = {
    "dashboard": "/{r}/",
    "kecamatan_list": "/{r}/kecamatan/",
    "kecamatan_detail": "/{r}/kecamatan/{k}/",
    "instrument_set_list": "/{r}/instrumen/",
    "instrument_set_detail": "/{r}/instrumen/{s}/",
    "period_new": "/{r}/periode/baru/",
    "period_detail": "/{r}/periode/2026/",
    "period_team": "/{r}/periode/2026/tim/",
    "period_participants": "/{r}/periode/2026/peserta/",
    "ranking": "/{r}/periode/2026/peringkat/",
    "ranking_breakdown": "/{r}/periode/2026/peringkat/{k}/",
    "score_template": "/{r}/periode/2026/nilai/templat.xlsx",
    "score_upload": "/{r}/periode/2026/nilai/unggah/",
}
RESULTS = ("ranking", "ranking_breakdown")
TAPEM_ONLY = (
    "period_new",
    "period_team",
    "period_participants",
    "score_template",
    "score_upload",
)

# Expected status in one's own region (Kota Bekasi, kecamatan Bantargebang).
OWN_REGION = {
    "anonymous": dict.fromkeys(REGION_PAGES, 302),
    "tanpa_peran": dict.fromkeys(REGION_PAGES, 404),
    "tapem_bekasi": dict.fromkeys(REGION_PAGES, 200),
    "operator_bantargebang": {
        **dict.fromkeys(REGION_PAGES, 200),
        **dict.fromkeys(RESULTS + TAPEM_ONLY, 403),
    },
    "penilai_bekasi": {
        **dict.fromkeys(REGION_PAGES, 200),
        **dict.fromkeys(RESULTS + TAPEM_ONLY, 403),
    },
    "pimpinan_bekasi": {**dict.fromkeys(REGION_PAGES, 200), **dict.fromkeys(TAPEM_ONLY, 403)},
}


@pytest.fixture
def sets(tenancy):
    """A tiny instrument set and a period `2026` with every kecamatan in both regions."""
    sets = {}
    with scopes_disabled():
        for region, kecamatan in (
            (tenancy.bekasi, [tenancy.bantargebang, tenancy.jatiasih]),
            (tenancy.tegal, [tenancy.slawi]),
        ):
            sets[region.slug] = instrument_set_import_data(region=region, data=tiny_set())
            period_create(
                region=region,
                slug="2026",
                name=f"Evaluasi {region.name} 2026",
                year_evaluated=2025,
                instrument_set=sets[region.slug],
                kecamatan=kecamatan,
            )
    return sets


def _url(page, region, kecamatan, instrument_set):
    return REGION_PAGES[page].format(r=region, k=kecamatan, s=instrument_set.pk)


def _client_for(role, client, tenancy):
    if role != "anonymous":
        client.force_login(tenancy.users[role])
    return client


@pytest.mark.parametrize("page", REGION_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_own_region(role, page, client, tenancy, sets):
    client = _client_for(role, client, tenancy)
    response = client.get(_url(page, "bekasi", "bantargebang", sets["bekasi"]))
    assert response.status_code == OWN_REGION[role][page]
    if response.status_code == 302:
        assert response["Location"].startswith("/akun/login/")


@pytest.mark.parametrize("page", REGION_PAGES)
@pytest.mark.parametrize("role", [*BEKASI_ROLES, "tanpa_peran"])
def test_other_region_is_not_found(role, page, client, tenancy, sets):
    client = _client_for(role, client, tenancy)
    response = client.get(_url(page, "tegal", "slawi", sets["tegal"]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("tapem_bekasi", 200),
        ("penilai_bekasi", 200),
        ("pimpinan_bekasi", 200),
        ("operator_bantargebang", 404),  # like another region: not revealed
    ],
)
def test_operator_sees_only_own_kecamatan(role, expected, client, tenancy):
    client = _client_for(role, client, tenancy)
    assert client.get("/bekasi/kecamatan/jatiasih/").status_code == expected


@pytest.mark.parametrize("role", BEKASI_ROLES)
def test_another_regions_objects_through_own_region_url_are_not_found(role, client, tenancy, sets):
    client = _client_for(role, client, tenancy)
    assert client.get("/bekasi/kecamatan/slawi/").status_code == 404
    assert client.get(f"/bekasi/instrumen/{sets['tegal'].pk}/").status_code == 404


def test_unknown_region_and_kecamatan_are_indonesian_404_pages(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    for url in ("/kota-antah/", "/kota-antah/kecamatan/", "/bekasi/kecamatan/tidak-ada/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in response.content.decode()


def test_anonymous_unknown_region_is_404_not_a_login_loop(client, db):
    assert client.get("/kota-antah/").status_code == 404


@pytest.mark.parametrize(
    ("role", "expected_status", "expected_location"),
    [
        ("anonymous", 302, "/akun/login/?next=/"),
        ("tapem_bekasi", 302, "/bekasi/"),
        ("operator_slawi", 302, "/tegal/"),
        ("penilai_lintas", 200, None),
        ("tanpa_peran", 200, None),
    ],
)
def test_home_sends_each_user_to_their_region(
    role, expected_status, expected_location, client, tenancy
):
    client = _client_for(role, client, tenancy)
    response = client.get("/")
    assert response.status_code == expected_status
    if expected_location:
        assert response["Location"] == expected_location


def test_region_picker_lists_only_the_users_regions(client, tenancy, db):
    client.force_login(tenancy.users["penilai_lintas"])
    page = client.get("/").content.decode()
    assert "Kota Bekasi" in page and "Kabupaten Tegal" in page


def test_user_without_role_sees_what_to_do(client, tenancy):
    client.force_login(tenancy.users["tanpa_peran"])
    page = client.get("/").content.decode()
    assert "Belum ada peran" in page


@pytest.mark.parametrize(
    ("role", "section"),
    [
        ("tapem_bekasi", "Admin Tapem"),
        ("operator_bantargebang", "Kecamatan saya"),
        ("penilai_bekasi", "Tugas penilaian saya"),
        ("pimpinan_bekasi", "Pimpinan"),
    ],
)
def test_dashboard_shows_the_roles_section(role, section, client, tenancy):
    client.force_login(tenancy.users[role])
    page = client.get("/bekasi/").content.decode()
    assert f"<h2>{section}</h2>" in page
