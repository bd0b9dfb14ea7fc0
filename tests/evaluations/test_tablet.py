"""The Tim penilai on tablets (issue 12) without a browser: the member's own sheets, the
scoring screen, the service worker, a recused member refused, a declared conflict of
interest, Tapem's live board with its disagreement flags, and reopening a final sheet."""

import json
import uuid
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django_scopes import scope, scopes_disabled

from evaluations.decisions import absence_record
from evaluations.models import MemberAbsence, Sheet
from evaluations.sheets import SheetRefused, sheet_submit, sheet_write
from evaluations.tablet import Status, board_for_period
from regions.models import Transition

pytestmark = pytest.mark.django_db

PAGES = "/bekasi/periode/2026/penilaian/"
QUERIES_OWN_LIST = 14  # one kecamatan or many: the same (13 + the assignments)


@pytest.fixture
def setup(make_period):
    return make_period(penilai=3)


def sheet_of(setup, user, kecamatan="Bantargebang"):
    with scopes_disabled():
        return Sheet.objects.select_related("period", "stage", "kecamatan").get(
            period=setup.period, assessor=user, kecamatan__name=kecamatan
        )


def write(sheet, user, **values):
    with scope(region=sheet.period.region):
        sheet.refresh_from_db()
        sheet_write(
            sheet=sheet,
            expected_version=sheet.version,
            values=[{"indicator": code, "value": value} for code, value in values.items()],
            by=user,
            via="tablet",
            key=uuid.uuid4().hex,
        )


def recuse(setup, member, kecamatan="Bantargebang", reason="Pernah menjabat Sekcam di sana"):
    sheet = sheet_of(setup, member, kecamatan)
    with scope(region=setup.region):
        return absence_record(
            period=setup.period,
            stage=sheet.stage,
            kecamatan=sheet.kecamatan,
            member=member,
            kind=MemberAbsence.Kind.RECUSED,
            reason=reason,
            by=None,
        )


def test_the_member_sees_what_is_left(client, setup, tenancy):
    member = tenancy.users["penilai_bekasi"]
    write(sheet_of(setup, member), member, A1="80")
    client.force_login(member)
    response = client.get(PAGES)
    assert response.status_code == 200
    text = response.content.decode()
    assert "2 lembar belum final." in text
    assert "1 dari 2" in text and "2 dari 2" in text


def test_the_scoring_screen_draws_every_cell_with_its_bounds(client, setup, tenancy):
    member = tenancy.users["penilai_bekasi"]
    sheet = sheet_of(setup, member)
    write(sheet, member, A1="80.5")
    client.force_login(member)
    response = client.get(f"{PAGES}{sheet.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kecamatan Bantargebang" in text
    assert 'data-indicator="A1"' in text and 'data-indicator="B1"' in text
    assert 'data-server="80.5"' in text and 'data-max="100"' in text
    assert f'data-api="/api/v1/bekasi/sheets/{sheet.pk}/"' in text
    assert 'data-writable="1"' in text
    assert 'id="timer"' not in text  # the tiny set's stage has no presentation limits


def test_the_timer_shows_the_limits_the_set_gives(client, setup, tenancy):
    with scopes_disabled():
        stage = setup.period.instrument_set.stages.get()
        stage.presentation_limits = {
            "phases": [
                {"code": "paparan", "label": "Pemaparan Camat", "minutes": 25},
                {"code": "tanya", "label": "Tanya jawab", "minutes": None},
            ],
            "slides": 8,
            "reference": "Lampiran II angka 3",
        }
        stage.save(update_fields=["presentation_limits"])
    member = tenancy.users["penilai_bekasi"]
    client.force_login(member)
    text = client.get(f"{PAGES}{sheet_of(setup, member).pk}/").content.decode()
    assert 'data-minutes="25"' in text and "≤ 25 menit" in text
    assert "Tanya jawab" in text
    assert "Bahan paparan paling banyak 8 halaman." in text
    assert "Lampiran II angka 3" in text


def test_the_service_worker_covers_the_tablet_pages(client, setup, tenancy):
    client.force_login(tenancy.users["penilai_bekasi"])
    response = client.get(f"{PAGES}sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert f'const SCOPE = "{PAGES}"' in body and "/static/js/tablet.js" in body
    assert "no-cache" in response["Cache-Control"]


def test_a_final_sheet_is_shown_locked(client, setup, tenancy):
    member = tenancy.users["penilai_bekasi"]
    sheet = sheet_of(setup, member)
    write(sheet, member, A1="80", B1="70")
    with scope(region=setup.region):
        sheet.refresh_from_db()
        sheet_submit(sheet=sheet, expected_version=sheet.version, by=member)
    client.force_login(member)
    text = client.get(f"{PAGES}{sheet.pk}/").content.decode()
    assert 'data-writable="0"' in text and 'data-state="final"' in text


def test_a_recused_member_is_refused_the_sheet_everywhere(client, setup, tenancy):
    member = tenancy.users["penilai_bekasi"]
    sheet = sheet_of(setup, member)
    recuse(setup, member)
    client.force_login(member)
    page = client.get(f"{PAGES}{sheet.pk}/")
    assert page.status_code == 409
    assert "mengundurkan diri" in page.content.decode()
    assert client.get(f"/bekasi/periode/2026/lembar/{sheet.pk}/").status_code == 409
    api = client.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        json.dumps({"version": 0, "values": [{"indicator": "A1", "value": "80"}]}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert api.status_code == 403 and "mengundurkan diri" in api.json()["message"]
    with scopes_disabled():
        assert not sheet.entries.exists()
    # The write service refuses too, whatever the path.
    with scope(region=setup.region), pytest.raises(SheetRefused) as refused:
        sheet_write(
            sheet=sheet,
            expected_version=0,
            values=[{"indicator": "A1", "value": "80"}],
            by=member,
            via="api",
            key=uuid.uuid4().hex,
        )
    assert refused.value.code == "recused"
    # The list shows the recusal; the other kecamatan's sheet still opens.
    listing = client.get(PAGES).content.decode()
    assert "Mengundurkan diri" in listing
    assert client.get(f"{PAGES}{sheet_of(setup, member, 'Jatiasih').pk}/").status_code == 200
    # Tapem still reads the sheet.
    client.force_login(tenancy.users["tapem_bekasi"])
    assert client.get(f"{PAGES}{sheet.pk}/").status_code == 200


def test_a_member_declares_a_conflict_of_interest(client, setup, tenancy):
    member = tenancy.users["penilai_bekasi"]
    sheet = sheet_of(setup, member)
    client.force_login(member)
    url = f"{PAGES}{sheet.pk}/konflik/"
    assert client.post(url, {"reason": "  "}).status_code == 409  # a reason is required
    response = client.post(url, {"reason": "Mantan Camat Bantargebang 2019–2022"})
    assert response.status_code == 302 and response["Location"] == PAGES
    with scopes_disabled():
        row = MemberAbsence.objects.get()
    assert row.kind == "recused" and row.member == member and row.recorded_by == member
    assert "Mantan Camat Bantargebang" in row.reason
    assert client.get(f"{PAGES}{sheet.pk}/").status_code == 409
    assert client.post(url, {"reason": "lagi"}).status_code == 409


def test_the_board_shows_each_status_and_flags_disagreement(client, setup, tenancy, settings):
    first, second, third = setup.penilai
    write(sheet_of(setup, first), first, A1="80", B1="70")
    write(sheet_of(setup, second), second, A1="82", B1="72")
    write(sheet_of(setup, third), third, A1="40")  # 40 points below the median on A
    final = sheet_of(setup, second)
    with scope(region=setup.region):
        final.refresh_from_db()
        sheet_submit(sheet=final, expected_version=final.version, by=second)
    recuse(setup, first, "Jatiasih")
    with scope(region=setup.region):
        board = board_for_period(period=setup.period)
    (stage,) = board
    rows = {row.kecamatan.name: row for row in stage.rows}
    statuses = {c.member.user: c.status for c in rows["Bantargebang"].cells}
    assert statuses == {first: Status.IN_PROGRESS, second: Status.FINAL, third: Status.IN_PROGRESS}
    jatiasih = {c.member.user: c.status for c in rows["Jatiasih"].cells}
    assert jatiasih[first] == Status.RECUSED and jatiasih[second] == Status.NOT_STARTED
    flags = {c.member.user: [f.aspect for f in c.flags] for c in rows["Bantargebang"].cells}
    assert flags == {first: [], second: [], third: ["A"]}

    # Severity: A and B are both 0–100, so a member's figure is the mean of their aspects.
    severity = {row.member.user: row for row in stage.severity}
    assert severity[first].mean == 75 and severity[third].mean == 40
    assert severity[third].kecamatan == 1 and severity[third].spread is None
    assert stage.team_mean == (75 + 77 + 40) / Decimal(3)
    assert severity[third].difference == 40 - stage.team_mean
    with scope(region=setup.region):
        assert board_for_period(period=setup.period, stage_code="T9") == []
        assert len(board_for_period(period=setup.period, stage_code="T1")) == 1

    settings.KINERJA_DISAGREEMENT_MARGIN = 50
    with scope(region=setup.region):
        board = board_for_period(period=setup.period)
    assert not any(c.flags for c in board[0].rows[0].cells)

    client.force_login(tenancy.users["tapem_bekasi"])
    page = client.get("/bekasi/periode/2026/papan/").content.decode()
    assert 'hx-get="/bekasi/periode/2026/papan/isi/?selisih=50"' in page
    assert 'hx-trigger="every 5s"' in page
    rows_html = client.get("/bekasi/periode/2026/papan/isi/").content.decode()
    assert "Mengundurkan diri" in rows_html and "Final" in rows_html
    assert f"/bekasi/periode/2026/lembar/{final.pk}/buka-kembali/" in rows_html
    assert 'class="flag"' not in rows_html  # 40 points off: within the default 50

    # Tapem narrows the margin on the board itself; polling keeps what was chosen.
    page = client.get("/bekasi/periode/2026/papan/?selisih=35").content.decode()
    assert 'hx-get="/bekasi/periode/2026/papan/isi/?selisih=35"' in page
    assert page.count('class="flag"') == 1 and "⚑ A: 40" in page
    rows_html = client.get("/bekasi/periode/2026/papan/isi/?selisih=45").content.decode()
    assert 'class="flag"' not in rows_html
    refused = client.get("/bekasi/periode/2026/papan/?selisih=0,5x").content.decode()
    assert "Batas selisih harus angka 1 sampai 100; dipakai batas baku 50 poin." in refused


def test_the_board_keeps_its_query_count(make_period, django_assert_max_num_queries):
    setup = make_period(penilai=3, kecamatan=("Bantargebang", "Jatiasih", "Medan Satria"))
    with scope(region=setup.region), django_assert_max_num_queries(8):
        board_for_period(period=setup.period)


def test_tapem_reopens_a_final_sheet_with_a_reason(client, setup, tenancy):
    member = tenancy.users["penilai_bekasi"]
    sheet = sheet_of(setup, member)
    write(sheet, member, A1="80", B1="70")
    with scope(region=setup.region):
        sheet.refresh_from_db()
        sheet_submit(sheet=sheet, expected_version=sheet.version, by=member)
        sheet.refresh_from_db()
    version = sheet.version
    client.force_login(tenancy.users["tapem_bekasi"])
    url = f"/bekasi/periode/2026/lembar/{sheet.pk}/buka-kembali/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422
    with scopes_disabled():
        sheet.refresh_from_db()
    assert sheet.state == "final"
    response = client.post(url, {"reason": "Salah ketik pada aspek A, dikoreksi penilai"})
    assert response.status_code == 302
    with scopes_disabled():
        sheet.refresh_from_db()
        move = Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(Sheet), object_id=sheet.pk
        ).latest("pk")
    assert sheet.state == "draft" and sheet.version == version + 1
    assert (move.from_state, move.to_state) == ("final", "draft")
    assert move.reason.startswith("Salah ketik") and move.by == tenancy.users["tapem_bekasi"]
    # A draft sheet has nothing to reopen.
    assert client.post(url, {"reason": "lagi"}).status_code == 422


def test_tapem_imports_a_downloaded_outbox_once_and_overwrites_nothing(setup, tenancy, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    member = tenancy.users["penilai_bekasi"]
    sheet = sheet_of(setup, member)
    write(sheet, member, B1="50")  # stored from another device after the tablet went offline
    outbox = {
        "kind": "kinerja-tablet-outbox",
        "sheet": sheet.pk,
        "changes": [
            {"id": uuid.uuid4().hex, "indicator": "A1", "part": "", "kind": "number",
             "value": "80.5", "base": None, "sent_version": None},
            {"id": uuid.uuid4().hex, "indicator": "B1", "part": "", "kind": "number",
             "value": "60", "base": None, "sent_version": None},
        ],
        "conflicts": [],
    }  # fmt: skip
    path = tmp_path / "belum-terkirim.json"
    path.write_text(json.dumps(outbox))
    arguments = ["import_tablet_outbox", "--region", "bekasi", "--period", "2026", str(path)]
    out = StringIO()
    with pytest.raises(CommandError):  # B1 is a conflict: reported, not overwritten
        call_command(*arguments, "--by", "tapem_bekasi", stdout=out)
    assert "A1: disimpan" in out.getvalue() and "B1: konflik" in out.getvalue()
    with scopes_disabled():
        values = {e.indicator.code: e.value for e in sheet.entries.all()}
        via = list(sheet.changes.filter(indicator__code="A1").values_list("via", flat=True))
    assert values == {"A1": 80.5, "B1": 50} and via == ["import"]
    again = StringIO()
    with pytest.raises(CommandError):
        call_command(*arguments, "--by", "tapem_bekasi", stdout=again)
    assert "A1: sudah tersimpan" in again.getvalue()
    with scopes_disabled():
        assert sheet.changes.filter(indicator__code="A1").count() == 1


@pytest.mark.parametrize(
    "kecamatan", [("Bantargebang",), ("Bantargebang", "Jatiasih", "Bekasi Timur")]
)
def test_the_own_sheet_list_keeps_its_query_count(
    client, make_period, tenancy, kecamatan, django_assert_num_queries
):
    make_period(kecamatan=kecamatan)
    client.force_login(tenancy.users["penilai_bekasi"])
    client.get(PAGES)  # session and permission caches warm
    with django_assert_num_queries(QUERIES_OWN_LIST):
        assert client.get(PAGES).status_code == 200


def test_tapem_uploads_a_downloaded_outbox_on_the_board(client, setup, tenancy):
    from django.core.files.uploadedfile import SimpleUploadedFile

    member = tenancy.users["penilai_bekasi"]
    sheet = sheet_of(setup, member)
    outbox = {
        "kind": "kinerja-tablet-outbox",
        "sheet": sheet.pk,
        "changes": [
            {"id": uuid.uuid4().hex, "indicator": "A1", "part": "", "kind": "number",
             "value": "70", "base": None, "sent_version": 0},
        ],
        "conflicts": [{"indicator": "B1", "part": "", "mine": "10", "theirs": "20"}],
    }  # fmt: skip
    client.force_login(tenancy.users["tapem_bekasi"])
    url = "/bekasi/periode/2026/papan/impor-tablet/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"file": SimpleUploadedFile("x.json", b"bukan json")})
    assert bad.status_code == 422 and "bukan JSON" in bad.content.decode()
    upload = SimpleUploadedFile("lembar.json", json.dumps(outbox).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Disimpan" in text and "Konflik" in text and "belum diputuskan penilai" in text
    with scopes_disabled():
        assert {e.indicator.code: e.value for e in sheet.entries.all()} == {"A1": 70}
        assert sheet.changes.get().by == tenancy.users["tapem_bekasi"]


def test_an_aspect_that_only_breaks_ties_is_labelled_and_may_stay_empty(
    client, make_period, tenancy
):
    """Bekasi's indikator penunjang: scored on the tablet when the Tim uses it for a tie,
    labelled as such, and not needed to finalise (the engine does not need it either)."""
    from copy import deepcopy

    from tests.instruments.builders import tiny_set

    data = tiny_set()
    aspects = data["stages"][0]["aspects"]
    tie = deepcopy(aspects[0])
    tie.update(order=3, code="IP", name="Indikator Penunjang", weight=None)
    tie["counts_toward_total"] = False
    tie["indicators"][0].update(code="IP1", text="Uji indikator penunjang")
    aspects.append(tie)
    setup = make_period(data)
    member = tenancy.users["penilai_bekasi"]
    sheet = sheet_of(setup, member)
    client.force_login(member)
    text = client.get(f"{PAGES}{sheet.pk}/").content.decode()
    assert 'data-aspect="IP"' in text and "Hanya pemecah nilai seri" in text
    assert 'data-indicator="IP1"' in text  # scored on the same screen
    listing = client.get(PAGES).content.decode()
    assert "2 dari 2" in listing  # what is left counts A1 and B1, not IP1
    write(sheet, member, A1="80", B1="70")
    with scope(region=setup.region):
        sheet.refresh_from_db()
        sheet_submit(sheet=sheet, expected_version=sheet.version, by=member)
        sheet.refresh_from_db()
    assert sheet.state == Sheet.State.FINAL
