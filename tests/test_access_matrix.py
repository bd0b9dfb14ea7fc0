"""The permission matrix, generated from the URL configuration.

Every URL pattern × GET and POST × every persona × own region / another region / (for
pages of one kecamatan) another kecamatan of the same region, with the exact status
expected. A pattern the table below does not describe fails `test_every_url_is_in_the_matrix`,
so a new page cannot ship without deciding who may open it.

POSTs carry no data: they probe the door, not the form (a refused form is 422, a page that
only reads answers 405). Within one pattern, Admin Tapem's own-region POST runs last, since
it may change what it probes (a deleted part, a cloned set).
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_scopes import scopes_disabled

from evaluations.models import Evidence, Period, Sheet
from evaluations.services import period_create, period_set_status, team_member_add
from instruments.models import Aspect, Indicator, Stage
from instruments.services import instrument_set_import_data
from tests.instruments.builders import tiny_set

ANON, NONE, TAPEM, OPERATOR, PENILAI, PIMPINAN = (
    "anonymous",
    "tanpa_peran",
    "tapem_bekasi",
    "operator_bantargebang",
    "penilai_bekasi",
    "pimpinan_bekasi",
)
PERSONAS = [ANON, NONE, TAPEM, OPERATOR, PENILAI, PIMPINAN]
MEMBERS = [TAPEM, OPERATOR, PENILAI, PIMPINAN]


def statuses(anonymous: int, no_role: int, **members: int) -> dict[str, int]:
    """Expected status per persona: `all=` for every member, or by short name."""
    every = members.pop("all", None)
    names = {"tapem": TAPEM, "operator": OPERATOR, "penilai": PENILAI, "pimpinan": PIMPINAN}
    expected = {ANON: anonymous, NONE: no_role, **dict.fromkeys(MEMBERS, every)}
    expected.update({names[short]: status for short, status in members.items()})
    assert None not in expected.values(), expected
    return expected


# In a region: outsiders are sent to log in (302) or told it is not there (404).
def region_page(get_all: int = 200, post_all: int = 405, **roles: int) -> "Expect":
    gets = {k.removeprefix("get_"): v for k, v in roles.items() if k.startswith("get_")}
    posts = {k.removeprefix("post_"): v for k, v in roles.items() if k.startswith("post_")}
    return Expect(
        get=statuses(302, 404, all=get_all, **gets),
        post=statuses(302, 404, all=post_all, **posts),
    )


def tapem_page(get: int = 200, post: int = 405) -> "Expect":
    """Admin Tapem only; every other member is refused before anything is looked up. A
    method the page does not take is refused first, for everyone (405)."""
    return region_page(
        get_all=405 if get == 405 else 403,
        post_all=405 if post == 405 else 403,
        get_tapem=get,
        post_tapem=post,
    )


def results_page() -> "Expect":
    return region_page(
        get_all=403, post_all=405, get_tapem=200, get_pimpinan=200, post_operator=405
    )


@dataclass
class Expect:
    get: dict[str, int]
    post: dict[str, int]
    # Another kecamatan of the same region (only for patterns with a kecamatan).
    other_kecamatan: dict[str, dict[str, int]] = field(default_factory=dict)
    region: bool = True
    api: bool = False  # answers JSON: outsiders get 401 instead of the login page
    seated: bool = False  # the penilai persona holds a seat in the own region's period
    public: bool = False  # no login: every region answers alike (the probed one unpublished)


MATRIX: dict[str, Expect] = {
    # Outside any region.
    "home": Expect(
        get=statuses(302, 200, all=302),  # members go straight to their one region
        post=statuses(302, 405, all=405),
        region=False,
    ),
    "login": Expect(
        get=statuses(200, 302, all=302),  # logged in already: on to the product
        post=statuses(200, 302, all=302),  # an empty login form is shown again
        region=False,
    ),
    "logout": Expect(
        get=statuses(405, 405, all=405), post=statuses(302, 302, all=302), region=False
    ),
    "password_change": Expect(
        get=statuses(302, 200, all=200), post=statuses(302, 200, all=200), region=False
    ),
    "password_change_done": Expect(
        get=statuses(302, 200, all=200), post=statuses(302, 405, all=405), region=False
    ),
    # One's own API tokens (no region): an empty form names no token; nobody's token 1.
    "api_token_list": Expect(
        get=statuses(302, 200, all=200), post=statuses(302, 422, all=422), region=False
    ),
    "api_token_revoke": Expect(
        get=statuses(405, 405, all=405), post=statuses(302, 404, all=404), region=False
    ),
    # Every member of the region reads these.
    "dashboard": region_page(),
    "notice_list": region_page(post_all=302),  # POST marks one's notices read
    "kecamatan_list": region_page(),
    "kecamatan_detail": Expect(
        get=statuses(302, 404, all=200),
        post=statuses(302, 404, all=405),
        # An operator asking for another kecamatan: as if it did not exist.
        other_kecamatan={
            "get": statuses(302, 404, all=200, operator=404),
            "post": statuses(302, 404, all=405),
        },
    ),
    "instrument_set_list": region_page(),
    "instrument_set_detail": region_page(),
    "instrument_set_download": region_page(),
    "instrument_set_compare": region_page(),
    "period_detail": region_page(),
    # Admin Tapem's.
    "instrument_set_upload": tapem_page(post=422),
    "instrument_set_edit": tapem_page(post=422),
    "instrument_set_clone": tapem_page(get=405, post=302),
    "stage_add": tapem_page(post=422),
    "aspect_add": tapem_page(post=422),
    "indicator_add": tapem_page(post=422),
    "option_add": tapem_page(post=422),
    "band_add": tapem_page(post=422),
    "tie_break_add": tapem_page(post=422),
    "award_add": tapem_page(post=422),
    "part_edit": tapem_page(post=422),
    "part_delete": tapem_page(post=409),  # the probed stage has a team: not deleted
    "period_new": tapem_page(post=422),
    "period_team": tapem_page(post=302),  # an empty grid is a valid (empty) team
    "period_team_stage": tapem_page(get=405, post=302),  # no SK, no origin: a valid save
    "period_team_assignments": tapem_page(get=405, post=422),  # nothing ticked: refused
    "absence_add": tapem_page(get=405, post=422),  # an empty form names no member
    "absence_remove": tapem_page(get=405, post=404),  # no absence stands in the probed period
    "period_status": tapem_page(get=302, post=302),  # no move named: back to the period
    "period_participants": tapem_page(),
    "participant_update": Expect(
        get=statuses(302, 404, all=405),
        post=statuses(302, 404, all=403, tapem=422),  # not scored needs a reason
        other_kecamatan={
            "get": statuses(302, 404, all=405),
            "post": statuses(302, 404, all=403, tapem=422),
        },
    ),
    "score_template": tapem_page(),
    "tie_decision_add": tapem_page(get=405, post=302),
    "handover_add": tapem_page(
        get=405, post=302
    ),  # nothing named: back with a message  # no tie named: back to the ranking
    "result_freeze": tapem_page(post=422),  # no action named
    "followup_list": tapem_page(post=404),  # no pembinaan named
    "document_settings": tapem_page(post=422),  # an empty form lacks the paper size
    # Documents: read by Admin Tapem and pimpinan, requested by Admin Tapem (not frozen:
    # refused with a message, back to the list).
    "period_documents": region_page(
        get_all=403, post_all=403, get_tapem=200, get_pimpinan=200, post_tapem=302
    ),
    "document_download": region_page(
        get_all=403, post_all=405, get_tapem=404, get_pimpinan=404, post_operator=405
    ),
    # Public, no login; the probed period is not published, so nobody finds it.
    **{
        name: Expect(get=statuses(404, 404, all=404), post=statuses(405, 405, all=405), public=True)
        for name in ("public_result", "public_result_csv", "public_result_json", "document_verify")
    },
    # A penilai's own rows: the penilai seated in the period only.
    "score_template_own": Expect(
        get=statuses(302, 404, all=403, penilai=200),
        post=statuses(302, 404, all=405),
        seated=True,
    ),
    "score_upload": tapem_page(post=422),
    # Verifying the kecamatan's own sheets (the probed one is a draft: nothing to verify).
    "verification_queue": tapem_page(),
    "period_deadlines": tapem_page(post=302),  # an empty grid sets no deadline
    "sheet_review": tapem_page(post=409),
    "sheet_copy_previous": region_page(get_all=405, post_all=404),  # probed: a team sheet
    "sheet_review_mark": tapem_page(get=405, post=404),  # the probed indicator is not on it
    "sheet_disqualify": tapem_page(post=422),  # needs the reason and the confirmation
    "proposal_dismiss": tapem_page(get=405, post=404),  # the probed sheet has no proposal
    # People of the region: Admin Tapem's (the probed person is the region's operator).
    "user_list": tapem_page(),
    "user_new": tapem_page(post=422),
    "user_detail": tapem_page(),
    "user_edit": tapem_page(post=422),
    "user_status": tapem_page(get=405, post=422),
    "user_password_reset": tapem_page(get=405, post=200),
    # Sheets in the browser: Tapem sees all; a penilai their own (the probed sheet is
    # penilai_bekasi's); an operator their kecamatan's own sheet; pimpinan none.
    "sheet_list": region_page(),
    "sheet_edit": Expect(
        get=statuses(302, 404, all=404, tapem=200, penilai=200),
        post=statuses(302, 404, all=404, tapem=422, penilai=422),  # no version: refused
    ),
    # The Tim penilai on tablets: a seated penilai's own sheets and their scoring screen
    # (Tapem may look at any sheet), the pages' service worker (plain code: every member),
    # a member's declared conflict of interest (an empty reason is refused with 409, as is
    # Tapem, who records recusals on the team page), Tapem's live board and reopening.
    "tablet_sheets": Expect(
        get=statuses(302, 404, all=403, penilai=200), post=statuses(302, 404, all=405)
    ),
    "tablet_service_worker": region_page(),
    "tablet_sheet": Expect(
        get=statuses(302, 404, all=404, tapem=200, penilai=200),
        post=statuses(302, 404, all=405),
    ),
    "tablet_conflict_declare": Expect(
        get=statuses(302, 404, all=405),
        post=statuses(302, 404, all=404, tapem=409, penilai=409),
    ),
    "tablet_board": tapem_page(),
    "tablet_board_rows": tapem_page(),
    "tablet_outbox_import": tapem_page(post=422),  # no file: refused
    "sheet_reopen": tapem_page(post=422),  # the probed sheet is a draft: nothing to reopen
    # The JSON API: a script gets 401 rather than a login page; nothing of another region.
    "api:api-root": Expect(
        get=statuses(404, 404, all=404), post=statuses(404, 404, all=404), region=False
    ),
    "api:openapi-json": Expect(  # the public description of the contract
        get=statuses(200, 200, all=200), post=statuses(200, 200, all=200), region=False
    ),
    "api:api_sheet_list": Expect(
        get=statuses(401, 404, all=200), post=statuses(401, 404, all=405), api=True
    ),
    "api:api_sheet": Expect(
        get=statuses(401, 404, all=404, tapem=200, penilai=200),
        post=statuses(401, 404, all=405),  # PATCH is probed in tests/evaluations/test_api.py
        api=True,
    ),
    "api:api_me": Expect(  # who the session is: the load benchmark's baseline
        get=statuses(401, 404, all=200), post=statuses(401, 404, all=405), api=True
    ),
    "api:api_sheet_submit": Expect(
        get=statuses(401, 404, all=405),
        post=statuses(401, 404, all=400),  # the body (JSON with the version) is read first
        api=True,
    ),
    # The kecamatan's own sheet: evidence, and Admin Tapem's return / accept.
    "api:api_sheet_evidence": Expect(
        get=statuses(401, 404, all=405),
        post=statuses(401, 404, all=422),  # the multipart fields are read first
        api=True,
    ),
    "api:api_evidence": Expect(  # the probed file belongs to the operator's kecamatan
        get=statuses(401, 404, all=200, pimpinan=404),
        post=statuses(401, 404, all=405),
        api=True,
        seated=True,  # a penilai scoring that kecamatan may read its evidence
    ),
    "api:api_evidence_withdraw": Expect(  # only the kecamatan's operator; others see no sheet
        get=statuses(401, 404, all=405),
        post=statuses(401, 404, all=404, operator=200, tapem=403),
        api=True,
    ),
    "api:api_sheet_return": Expect(
        get=statuses(401, 404, all=405),
        post=statuses(401, 404, all=400),  # the body (JSON with the reason) is read first
        api=True,
    ),
    "api:api_sheet_accept": Expect(
        get=statuses(401, 404, all=405),
        post=statuses(401, 404, all=403, tapem=404),  # the probed sheet is a team sheet
        api=True,
    ),
    # Results: Admin Tapem and pimpinan.
    "ranking": results_page(),
    "ranking_breakdown": Expect(
        get=statuses(302, 404, all=403, tapem=200, pimpinan=200),
        post=statuses(302, 404, all=405),
        other_kecamatan={
            "get": statuses(302, 404, all=403, tapem=200, pimpinan=200),
            "post": statuses(302, 404, all=405),
        },
    ),
}


def url_patterns(resolvers=None, prefix="", namespace=""):
    """(name, route) of every named pattern (`namespace:name` inside a namespace), Django
    admin's aside (it is staff-only by itself and checked in test_django_admin_is_for_staff)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, route


ROUTES = dict(url_patterns())


def test_every_url_is_in_the_matrix():
    assert sorted(set(ROUTES) - set(MATRIX)) == [], "add the new URL's expectations to MATRIX"
    assert sorted(set(MATRIX) - set(ROUTES)) == []


@dataclass
class World:
    """One region's objects a URL can name."""

    region: str
    kecamatan: str
    other_kecamatan: str
    instrument_set: int
    stage: int
    aspect: int
    indicator: int
    sheet: int  # the team sheet of its first penilai for its first kecamatan
    person: int  # the operator of its first kecamatan
    evidence: int  # a file of its first kecamatan's own sheet
    kecamatan_sheet: int  # that sheet


@pytest.fixture
def worlds(tenancy):
    found = {}
    with scopes_disabled():
        for region, kecamatan, own, other in (
            (tenancy.bekasi, [tenancy.bantargebang, tenancy.jatiasih], "bantargebang", "jatiasih"),
            (tenancy.tegal, [tenancy.slawi], "slawi", "slawi"),
        ):
            instrument_set = instrument_set_import_data(region=region, data=tiny_set())
            period = period_create(
                region=region,
                slug="2026",
                name=f"Evaluasi {region.name} 2026",
                year_evaluated=2025,
                instrument_set=instrument_set,
                kecamatan=kecamatan,
            )
            stage = Stage.objects.filter(instrument_set=instrument_set).first()
            penilai = tenancy.users[
                "penilai_bekasi" if region == tenancy.bekasi else "penilai_lintas"
            ]
            team_member_add(period=period, stage=stage, user=penilai)
            period_set_status(period=period, status="open", by=None)
            aspect = Aspect.objects.filter(stage=stage).first()
            indicator = Indicator.objects.filter(aspect=aspect).first()
            sheet = Sheet.objects.get(
                period=period, stage=stage, assessor=penilai, kecamatan__slug=own
            )
            operator = tenancy.users[
                "operator_bantargebang" if region == tenancy.bekasi else "operator_slawi"
            ]
            evidence = _evidence(period, stage, indicator, kecamatan[0], operator)
            found[region.slug] = World(
                region.slug, own, other, instrument_set.pk, stage.pk, aspect.pk, indicator.pk,
                sheet.pk, operator.pk, evidence.pk, evidence.sheet_id,
            )  # fmt: skip
    return found


def _evidence(period, stage, indicator, kecamatan, operator) -> Evidence:
    """A kecamatan's own sheet with one stored file (the tiny set has no kecamatan-entered
    indicators, so it is made directly)."""
    sheet = Sheet.objects.create(period=period, stage=stage, kecamatan=kecamatan)
    name = storages["private"].save(f"evidence/matrix/{sheet.pk}.pdf", ContentFile(b"%PDF-1.4"))
    return Evidence.objects.create(
        sheet=sheet,
        indicator=indicator,
        original_name="bukti.pdf",
        stored_name=name,
        size=8,
        sha256="0" * 64,
        content_type="application/pdf",
        uploaded_by=operator,
        uploaded_at=timezone.now(),
    )


def kwargs_for(route: str, world: World, kecamatan: str) -> dict:
    """Values for the route's converters, naming objects of `world`."""
    values = {
        "region": world.region,
        "kecamatan": kecamatan,
        "period": "2026",
        "pk": world.instrument_set,
        "kind": "tahap",
        "part": world.stage,
        "stage": world.stage,
        "sheet": world.sheet,
        "sheet_id": world.sheet,
        "user_id": world.person,
        "absence": 1,
        "daerah": world.region,
        "document": 1,
        "code": "TIDAKADA",
        "evidence_id": world.evidence,
        "indicator": world.indicator,
    }
    if "evidence_id>" in route or "/verifikasi/<int:sheet>/" in route:
        # Pages of a kecamatan's own sheet: the one holding the probed file.
        values["sheet_id"] = values["sheet"] = world.kecamatan_sheet
    if "<int:parent>" in route:
        parent_of = {"aspek": world.stage, "indikator": world.aspect, "pilihan": world.indicator}
        values["parent"] = next(pk for kind, pk in parent_of.items() if f"/{kind}/tambah/" in route)
    return {
        name: value
        for name, value in values.items()
        if f":{name}>" in route or f"<{name}>" in route
    }


def url_for(name: str, world: World | None, kecamatan: str | None = None) -> str:
    from django.urls import reverse

    route = ROUTES[name]
    if world is None:  # outside any region: only a token names an object
        return reverse(name, kwargs={"token_id": 1} if "<int:token_id>" in route else None)
    url = reverse(name, kwargs=kwargs_for(route, world, kecamatan or world.kecamatan))
    if name == "instrument_set_compare":
        url += f"?dengan={world.instrument_set}"
    return url


def probe(client, tenancy, persona, method, url):
    client.logout()
    if persona != ANON:
        client.force_login(tenancy.users[persona])
    response = getattr(client, method)(url)
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(name, client, tenancy, worlds):
    expect = MATRIX[name]
    own = worlds["bekasi"] if expect.region else None
    if expect.seated:
        with scopes_disabled():
            team_member_add(
                period=Period.objects.get(region=tenancy.bekasi, slug="2026"),
                stage=Stage.objects.get(pk=own.stage),
                user=tenancy.users[PENILAI],
            )
    probes = []  # (persona, method, url, expected)
    for method in ("get", "post"):
        wanted = getattr(expect, method)
        for persona in PERSONAS:
            probes.append((persona, method, url_for(name, own), wanted[persona]))
        if not expect.region:
            continue
        for persona in PERSONAS:
            # Another region: a member of Bekasi learns nothing about Tegal.
            elsewhere = (401 if expect.api else 302) if persona == ANON else 404
            if expect.public:
                elsewhere = wanted[persona]
            probes.append((persona, method, url_for(name, worlds["tegal"]), elsewhere))
        if expect.other_kecamatan:
            other_url = url_for(name, own, own.other_kecamatan)
            for persona in PERSONAS:
                probes.append((persona, method, other_url, expect.other_kecamatan[method][persona]))
    # Tapem's own-region POSTs may change what they probe: last.
    probes.sort(key=lambda p: p[1] == "post" and p[0] == TAPEM and "/bekasi/" in p[2])
    failures = [
        f"{persona} {method.upper()} {url}: {got}, expected {expected}"
        for persona, method, url, expected in probes
        if (got := probe(client, tenancy, persona, method, url)) != expected
    ]
    assert not failures, "\n".join(failures)


def test_django_admin_is_for_staff(client, tenancy):
    client.force_login(tenancy.users[TAPEM])
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
