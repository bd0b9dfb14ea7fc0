"""What each region's kecamatan submits (issue 11.1), the operator's form for it (11.2), and
the next stage's assessors reading the accepted submission beside their own sheet (11.4),
on the shipped sets as `load_demo --no-scores` seats them."""

import io
import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from config.uploads import inspect_evidence
from evaluations.models import Evidence, Period, ScoreEntry, Sheet, ValueChange
from evaluations.scoring_input import scoring_input_for_period
from evaluations.selectors import ranking_for_period
from evaluations.self_assessment import (
    capaian_reading,
    evidence_attach,
    sheet_accept,
    submission_for,
)
from evaluations.sheets import sheet_cells, sheet_submit, sheet_write
from tests.evaluations.selfassessment import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
User = get_user_model()


@pytest.fixture
def demo():
    call_command("load_demo", "--no-scores", stdout=io.StringIO())


def user(username):
    return User.objects.get(username=username)


def own_sheet(region, kecamatan, stage=None):
    with scopes_disabled():
        sheets = Sheet.objects.select_related("period__region", "stage", "kecamatan").filter(
            period__region__slug=region, kecamatan__slug=kecamatan, assessor__isnull=True
        )
        return sheets.get(stage__code=stage) if stage else sheets.get()


def member_sheet(region, kecamatan, username, stage):
    with scopes_disabled():
        return Sheet.objects.select_related("period__region", "stage", "kecamatan").get(
            period__region__slug=region,
            kecamatan__slug=kecamatan,
            assessor__username=username,
            stage__code=stage,
        )


def page(sheet):
    return f"/{sheet.period.region.slug}/periode/{sheet.period.slug}/lembar/{sheet.pk}/"


def answer(cell):
    """A plausible value for one cell of the operator's form, as typed."""
    if cell.is_text:
        return f"Uraian {cell.name} dengan data dukung terlampir."
    if cell.rule.choice:
        return cell.rule.options[1]
    if cell.part == "target":
        return "100"
    if cell.part == "realisasi":
        return "80"
    return "3" if cell.rule.integer_only else "75,5"


def form_post(sheet, cells, *, files=None, action="save"):
    data = {"version": sheet.version, "key": uuid.uuid4().hex, "action": action}
    for cell in cells:
        if not cell.is_file:
            data[f"sel-{cell.indicator_id}-{cell.part or '_'}"] = answer(cell)
    data.update(files or {})
    return data


def submit_and_accept(sheet, operator, tapem):
    """The kecamatan fills every cell and file of its sheet; Tapem accepts it."""
    with scope(region=sheet.period.region):
        cells = sheet_cells(sheet)
        values = []
        for cell in cells:
            if cell.is_file:
                continue
            item = {"indicator": cell.name, "part": cell.part}
            if cell.is_text:
                item["text"] = answer(cell)
            elif cell.rule.choice:
                item["option"] = answer(cell)
            else:
                item["value"] = answer(cell).replace(",", ".")
            values.append(item)
        sheet_write(
            sheet=sheet,
            expected_version=sheet.version,
            values=values,
            by=operator,
            via=ValueChange.Via.API,
        )
        files = {
            cell.indicator_id: inspect_evidence(pdf_bytes(cell.name), name=f"{cell.code}.pdf")
            for cell in cells
            if cell.evidence_required
        }
        evidence_attach(sheet=sheet, files=files, by=operator)
        sheet.refresh_from_db()
        sheet_submit(sheet=sheet, expected_version=sheet.version, by=operator)
        sheet_accept(sheet=sheet, by=tapem)


# ---------------------------------------------------------------- the operator's form

SHOWN = {
    "banggai": ("Indikator Kinerja Utama", "Capaian", "76 – 100 Baik", "informasi, tanpa skor"),
    "pekalongan": ("a) Mengacu UU No. 25/2009", "Proposal inovasi", 'accept=".pdf"'),
    "tegal": ("1. Alasan pengembangan", "12. Perspektif reformasi birokrasi", "B. Pelaksanaan"),
    "bekasi": ("Bahan presentasi Camat", 'accept=".pdf"', "Data pendukung kriteria"),
}
FIRST = {
    "banggai": "balantak",
    "pekalongan": "bojong",
    "tegal": "adiwerna",
    "bekasi": "bantargebang",
}


@pytest.mark.parametrize("region", sorted(SHOWN))
def test_each_region_operator_form_shows_and_saves_what_its_kecamatan_submits(client, demo, region):
    sheet = own_sheet(region, FIRST[region])
    client.force_login(user(f"op-{region}-{FIRST[region]}"))
    response = client.get(page(sheet))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in SHOWN[region]:
        assert shown in html, shown
    form = response.context["form"]
    response = client.post(page(sheet), form_post(sheet, form.cells))
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        entries = {
            (e.indicator.aspect.code, e.indicator.code, e.part): e
            for e in ScoreEntry.objects.filter(sheet=sheet).select_related("indicator__aspect")
        }
    assert len(entries) == len(form.cells)
    if region == "banggai":
        assert entries["a", "IKU", "realisasi"].value == 80
        assert entries["j", "uraian", ""].text.startswith("Uraian j/uraian")
    if region == "pekalongan":
        assert entries["K1", "VMM.1", ""].option_code == "b"
    if region == "tegal":
        assert entries["INO", "U12", ""].text.startswith("Uraian U12")
    if region == "bekasi":
        assert entries["K6", "DP", ""].text.startswith("Uraian K6/DP")


def test_the_meter_asks_for_descriptions_and_files_not_for_the_informational_figures(client, demo):
    sheet = own_sheet("banggai", "balantak")
    client.force_login(user("op-banggai-balantak"))
    completeness = client.get(page(sheet)).context["completeness"]
    # Ten descriptions and ten files: the IKU figures are informational.
    assert (completeness.done, completeness.total) == (0, 20)
    assert all("IKU" not in item.name for item in completeness.missing)


def test_a_pdf_only_upload_refuses_an_image_and_keeps_what_was_typed(client, demo):
    sheet = own_sheet("pekalongan", "bojong")
    client.force_login(user("op-pekalongan-bojong"))
    form = client.get(page(sheet)).context["form"]
    (proposal,) = form.file_cells
    upload = SimpleUploadedFile("proposal.png", png_bytes(), content_type="image/png")
    data = form_post(sheet, form.cells, files={f"berkas-{proposal.indicator_id}": upload})
    response = client.post(page(sheet), data)
    assert response.status_code == 422
    assert "hanya menerima berkas PDF" in response.content.decode()
    with scopes_disabled():
        assert not ScoreEntry.objects.filter(sheet=sheet).exists()
        assert not Evidence.objects.filter(sheet=sheet).exists()
    good = SimpleUploadedFile("proposal.pdf", pdf_bytes("Proposal"), content_type="application/pdf")
    data = form_post(sheet, form.cells, files={f"berkas-{proposal.indicator_id}": good})
    assert client.post(page(sheet), data).status_code == 302
    with scopes_disabled():
        assert Evidence.objects.get(sheet=sheet).indicator_id == proposal.indicator_id


# ---------------------------------------------------------------- capaian and its band


def banggai_scale():
    data = json.loads((FIXTURES / "banggai" / "instrument_set.json").read_text("utf-8"))
    return data["stages"][0]["aspects"][0]["indicators"][1]["params"]["scale"]


@pytest.mark.parametrize(
    ("target", "realisasi", "polarity", "capaian", "band"),
    [
        ("100", "101", "higher_is_better", "101", "Sangat Baik"),
        ("100", "100", "higher_is_better", "100", "Baik"),
        ("100", "76", "higher_is_better", "76", "Baik"),
        ("100", "75.5", "higher_is_better", "75.5", "Cukup"),  # between the printed 75 and 76
        ("100", "55", "higher_is_better", "55", "Cukup"),
        ("200", "108", "higher_is_better", "54", "Kurang"),
        # Lower is better (004): (target − (realisasi − target)) / target × 100.
        ("10", "12", "lower_is_better", "80", "Baik"),
        ("10", "5", "lower_is_better", "150", "Sangat Baik"),
        ("10", "15", "lower_is_better", "50", "Kurang"),
    ],
)
def test_the_capaian_band_is_read_on_the_fixture_scale_with_its_polarity(
    target, realisasi, polarity, capaian, band
):
    reading = capaian_reading(
        target=Decimal(target),
        realisasi=Decimal(realisasi),
        polarity=polarity,
        scale=banggai_scale(),
    )
    assert (reading.value, reading.label) == (Decimal(capaian), band)


def test_no_capaian_without_a_target():
    reading = capaian_reading(
        target=Decimal(0), realisasi=Decimal(5), polarity="higher_is_better", scale=banggai_scale()
    )
    assert (reading.value, reading.label, reading.shown) == (None, "", "")


def test_the_form_shows_the_stored_capaian_with_its_band(client, demo):
    sheet = own_sheet("banggai", "balantak")
    client.force_login(user("op-banggai-balantak"))
    form = client.get(page(sheet)).context["form"]
    client.post(page(sheet), form_post(sheet, form.cells))
    html = client.get(page(sheet)).content.decode()
    assert '<output class="capaian-value">80,00%</output>' in html
    assert '<span class="badge capaian-band">Baik</span>' in html


# ---------------------------------------------------------------- Pekalongan: the answers first


def test_pekalongan_evaluators_start_from_the_kecamatan_answers_and_keep_their_own(client, demo):
    own = own_sheet("pekalongan", "bojong")
    mine = member_sheet("pekalongan", "bojong", "penilai-pekalongan-1", "DESK")
    client.force_login(user("penilai-pekalongan-1"))
    form = client.get(page(mine)).context["form"]
    (vmm1, *_rest) = form.cells
    assert form[form.field_name(vmm1)].value() in ("", None)  # nothing accepted yet

    submit_and_accept(own, user("op-pekalongan-bojong"), user("tapem-pekalongan"))
    response = client.get(page(mine))
    form = response.context["form"]
    k1 = [cell for cell in form.cells if cell.kecamatan_answers]
    assert len(k1) == 21
    assert all(form[form.field_name(cell)].value() == "b" for cell in k1)
    html = response.content.decode()
    assert html.count("jawaban kecamatan") >= 21
    assert "pilihan Anda dimulai dari jawaban ini" in html

    # The evaluator checks the evidence, changes one answer and saves: the others become
    # theirs as they stood, the changed one stays theirs.
    data = {"version": mine.version, "key": uuid.uuid4().hex, "action": "save"}
    for cell in form.cells:
        data[form.field_name(cell)] = form[form.field_name(cell)].value() or "10"
    data[form.field_name(vmm1)] = "a"
    assert client.post(page(mine), data).status_code == 302
    with scopes_disabled():
        chosen = dict(
            ScoreEntry.objects.filter(sheet=mine, indicator__kecamatan_answers=True).values_list(
                "indicator__code", "option_code"
            )
        )
    assert chosen["VMM.1"] == "a" and chosen["VMM.2"] == "b" and len(chosen) == 21
    html = client.get(page(mine)).content.decode()
    assert "Anda memilih lain." in html


def test_the_kecamatan_answers_never_count_in_the_score(demo):
    own = own_sheet("pekalongan", "bojong")
    with scopes_disabled():
        period = Period.objects.select_related("region").get(region__slug="pekalongan")
    with scope(region=period.region):
        before = ranking_for_period(period=period, trace=False)
    submit_and_accept(own, user("op-pekalongan-bojong"), user("tapem-pekalongan"))
    with scope(region=period.region):
        data = scoring_input_for_period(period=period)
        desk = {(e.aspect_code, e.indicator_code) for e in data.entries if e.stage_code == "DESK"}
        assert ("K1", "VMM.1") not in desk  # the kecamatan's answer is no value of it
        assert not data.warnings or all("side" not in w.code for w in data.warnings)
        for trace in (True, False):
            after = ranking_for_period(period=period, trace=trace)
            assert [(r.name, r.status, r.final_score) for r in after.results] == [
                (r.name, r.status, r.final_score) for r in before.results
            ]
            assert [w.code for w in after.warnings] == [w.code for w in before.warnings]


# ---------------------------------------------------------------- the panel beside a member's sheet


def test_the_panel_shows_an_accepted_submission_to_the_team_and_nobody_else(client, demo):
    own = own_sheet("banggai", "balantak")
    mine = member_sheet("banggai", "balantak", "penilai-banggai-1", "T1")
    client.force_login(user("penilai-banggai-1"))
    html = client.get(page(mine)).content.decode()
    assert "Kecamatan tidak mengisi penilaian mandiri tahap ini di aplikasi" in html

    submit_and_accept(own, user("op-banggai-balantak"), user("tapem-banggai"))
    with scope(region=own.period.region):
        (submission,) = submission_for(sheet=mine)
    assert submission.shown
    first = submission.aspects[0].items
    assert [item.name for item in first] == ["a/uraian", "a/IKU"]
    assert first[1].capaian.label == "Baik" and first[1].informational
    (evidence,) = first[0].files
    link = f"/api/v1/banggai/sheets/{own.pk}/evidence/{evidence.pk}/"

    for url in (page(mine), f"/banggai/periode/2026/penilaian/{mine.pk}/"):
        html = client.get(url).content.decode()
        assert "Uraian a/uraian dengan data dukung terlampir." in html
        assert link in html
        assert "Capaian" in html and "80,00%" in html
    assert client.get(link).status_code == 200  # an assessor of the period's team

    # Later stages read it too; another kecamatan's operator and another region do not.
    later = member_sheet("banggai", "balantak", "penilai-banggai-1", "T2")
    assert (
        "Uraian a/uraian dengan data dukung terlampir." in client.get(page(later)).content.decode()
    )
    client.force_login(user("op-banggai-batui"))
    assert client.get(page(mine)).status_code == 404
    assert client.get(link).status_code == 404
    client.force_login(user("tapem-bekasi"))
    assert client.get(page(mine)).status_code == 404
    assert client.get(link).status_code == 404


def test_a_submission_not_accepted_yet_is_not_shown(client, demo):
    own = own_sheet("tegal", "adiwerna")
    mine = member_sheet("tegal", "adiwerna", "penilai-tegal-1", "T1")
    operator = user("op-tegal-adiwerna")
    with scope(region=own.period.region):
        cells = [c for c in sheet_cells(own) if c.is_text]
        sheet_write(
            sheet=own,
            expected_version=own.version,
            values=[{"indicator": c.name, "part": "", "text": "Rahasia dulu."} for c in cells],
            by=operator,
            via=ValueChange.Via.API,
        )
    client.force_login(user("penilai-tegal-1"))
    html = client.get(page(mine)).content.decode()
    assert "belum diterima Admin Tapem" in html
    assert "Rahasia dulu." not in html
