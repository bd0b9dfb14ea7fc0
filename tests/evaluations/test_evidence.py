"""Evidence files (data dukung): what is accepted, what is refused and why, who may download,
and that a replaced file stays in the history."""

import hashlib

import pytest
from django.core.files.storage import storages
from django_scopes import scope, scopes_disabled

from config.uploads import display_name
from evaluations.models import Evidence, EvidenceWithdrawal, ScoreEntry, Sheet
from evaluations.self_assessment import evidence_by_indicator
from evaluations.sheets import sheet_missing_evidence, sheet_write
from regions.models import InsertOnlyError
from tests.evaluations.selfassessment import (
    ELF,
    FILLED,
    HTML,
    docx_bytes,
    kecamatan_sheet,
    mandiri_set,
    pdf_bytes,
    png_bytes,
    post_json,
    upload,
    xlsx_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_period):
    return make_period(mandiri_set())


@pytest.fixture
def sheet(setup):
    return kecamatan_sheet(setup.period)


@pytest.fixture
def operator(client, tenancy):
    client.force_login(tenancy.users["operator_bantargebang"])
    return client


def evidence_rows(sheet):
    with scopes_disabled():
        return list(Evidence.objects.filter(sheet=sheet).order_by("pk"))


@pytest.mark.parametrize(
    ("content", "name", "shown", "content_type"),
    [
        (pdf_bytes(), "Laporan Realisasi.pdf", "Laporan Realisasi.pdf", "application/pdf"),
        (png_bytes(), "foto kantor.PNG", "foto kantor.png", "image/png"),
        (
            xlsx_bytes(),
            "anggaran.xlsx",
            "anggaran.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            docx_bytes(),
            "uraian.docx",
            "uraian.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        # The type comes from the bytes: a PDF named .docx is a PDF.
        (pdf_bytes(), "salah-nama.docx", "salah-nama.docx.pdf", "application/pdf"),
    ],
)
def test_an_operator_uploads_evidence_typed_from_its_content(
    operator, sheet, content, name, shown, content_type
):
    response = upload(operator, sheet, "KEU", content, name=name)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "indicator", "name", "size", "sha256", "url"}
    assert data["indicator"] == "KEU"
    assert data["name"] == shown
    assert data["size"] == len(content)
    assert data["sha256"] == hashlib.sha256(content).hexdigest()
    [stored] = evidence_rows(sheet)
    assert stored.content_type == content_type
    # Stored under a generated name, never the uploaded one.
    assert name not in stored.stored_name and stored.stored_name.startswith("evidence/bekasi/")
    download = operator.get(data["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (ELF, "laporan.pdf", "tidak diterima"),
        (HTML, "laporan.pdf", "tidak diterima"),
        (zip_bytes(), "arsip.pdf", "tidak diterima"),
        (pdf_bytes() + zip_bytes(), "polyglot.pdf", "arsip zip tersembunyi"),
        (png_bytes() + zip_bytes(), "polyglot.png", "arsip zip tersembunyi"),
        (docx_bytes(vba=True), "makro.docx", "makro"),
        (docx_bytes(doctype=True), "entitas.docx", "DOCTYPE"),
        (
            pdf_bytes().replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript>>"),
            "aktif.pdf",
            "JavaScript",
        ),
        (b"", "kosong.pdf", "kosong"),
    ],
)
def test_hostile_or_foreign_files_are_refused_and_nothing_is_stored(
    operator, sheet, content, name, says
):
    response = upload(operator, sheet, "KEU", content, name=name)
    assert response.status_code == 422, response.content
    assert says in response.json()["message"]
    assert response.json()["code"] == "file_refused"
    assert evidence_rows(sheet) == []


def test_an_oversized_file_is_413_with_an_indonesian_message(operator, sheet, settings):
    settings.KINERJA_MAX_EVIDENCE_BYTES = 1024
    response = upload(operator, sheet, "KEU", pdf_bytes() + b"0" * 2048)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response.json()["message"].startswith("Berkas terlalu besar; ukuran maksimal 1,0")
    assert evidence_rows(sheet) == []


def test_a_path_in_the_name_is_never_a_path(operator, sheet):
    response = upload(operator, sheet, "KEU", pdf_bytes(), name="../../etc/passwd.pdf")
    assert response.status_code == 201
    [stored] = evidence_rows(sheet)
    assert stored.original_name == "passwd.pdf"
    assert ".." not in stored.stored_name and "passwd" not in stored.stored_name
    assert display_name('..\\..\\a<b>:"c|?*\x00.pdf', "application/pdf") == "a_b___c____.pdf"
    assert display_name("   ", "image/png") == "berkas.png"


def test_an_unknown_indicator_is_refused(operator, sheet):
    response = upload(operator, sheet, "S1", pdf_bytes())  # a team indicator
    assert response.status_code == 422
    assert "tidak memiliki indikator S1" in response.json()["message"]


def test_an_indicator_holds_several_files_and_one_is_replaced_keeping_the_old(operator, sheet):
    first = upload(operator, sheet, "KEU", pdf_bytes("versi 1")).json()
    again = upload(operator, sheet, "KEU", pdf_bytes("versi 1")).json()
    assert again["id"] == first["id"]  # the same bytes again: nothing new stored
    second = upload(operator, sheet, "KEU", pdf_bytes("lampiran"), name="lampiran.pdf").json()
    assert second["id"] != first["id"]
    with scope(region=sheet.period.region):
        current = evidence_by_indicator(sheet=sheet)
    assert [e.pk for files in current.values() for e in files] == [first["id"], second["id"]]

    replaced = upload(
        operator, sheet, "KEU", pdf_bytes("versi 2"), "versi2.pdf", replaces=first["id"]
    )
    assert replaced.status_code == 201
    assert set(replaced.json()) == {"id", "indicator", "name", "size", "sha256", "url"}
    old, kept, new = evidence_rows(sheet)
    assert new.replaces_id == old.pk and kept.replaces_id is None
    with scope(region=sheet.period.region):
        current = evidence_by_indicator(sheet=sheet)
    assert sorted(e.pk for e in current[new.indicator_id]) == [kept.pk, new.pk]
    # The history survives: the old file is still downloadable, and its row cannot change.
    assert operator.get(first["url"]).status_code == 200
    with pytest.raises(InsertOnlyError):
        old.save()
    with pytest.raises(InsertOnlyError):
        old.delete()
    # A file already replaced cannot be replaced again: 409, nothing stored.
    stale = upload(operator, sheet, "KEU", pdf_bytes("versi 3"), "lagi.pdf", replaces=first["id"])
    assert stale.status_code == 409
    assert "sudah diganti atau ditarik" in stale.json()["message"]
    assert len(evidence_rows(sheet)) == 3


def test_a_withdrawn_file_stops_counting_and_stays_in_the_history(operator, sheet):
    only = upload(operator, sheet, "URAI", pdf_bytes("uraian")).json()
    url = f"/api/v1/bekasi/sheets/{sheet.pk}/evidence/{only['id']}/withdraw/"
    response = operator.post(url)
    assert response.status_code == 200 and response.json()["id"] == only["id"]
    assert operator.post(url).status_code == 200  # again: nothing new
    with scope(region=sheet.period.region):
        assert evidence_by_indicator(sheet=sheet) == {}
        assert EvidenceWithdrawal.objects.filter(evidence_id=only["id"]).count() == 1
        missing = [c.code for c in sheet_missing_evidence(sheet)]
    assert "URAI" in missing  # completeness counts current files only
    assert operator.get(only["url"]).status_code == 200  # still in the history
    with scopes_disabled():
        assert Evidence.objects.filter(pk=only["id"]).exists()
    # A replaced file is not withdrawn: 409.
    first = upload(operator, sheet, "KEU", pdf_bytes("a")).json()
    upload(operator, sheet, "KEU", pdf_bytes("b"), "b.pdf", replaces=first["id"])
    gone = operator.post(f"/api/v1/bekasi/sheets/{sheet.pk}/evidence/{first['id']}/withdraw/")
    assert gone.status_code == 409
    # An unknown file is not there.
    assert (
        operator.post(f"/api/v1/bekasi/sheets/{sheet.pk}/evidence/999999/withdraw/").status_code
        == 404
    )


def test_only_the_kecamatans_operator_changes_its_evidence(client, operator, sheet, tenancy):
    mine = upload(operator, sheet, "KEU", pdf_bytes("a")).json()
    before = evidence_rows(sheet)
    client.force_login(tenancy.users["tapem_bekasi"])  # sees the sheet, may not touch files
    refused = upload(client, sheet, "KEU", pdf_bytes("tapem"))
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "Hanya operator Kecamatan Bantargebang yang dapat mengubah lembar ini."
    )
    withdraw = client.post(f"/api/v1/bekasi/sheets/{sheet.pk}/evidence/{mine['id']}/withdraw/")
    assert withdraw.status_code == 403
    assert evidence_rows(sheet) == before
    with scopes_disabled():
        assert not EvidenceWithdrawal.objects.exists()


def test_who_may_download(client, setup, sheet, tenancy, operator):
    url = upload(operator, sheet, "KEU", pdf_bytes()).json()["url"]
    expected = {
        "operator_bantargebang": 200,
        "tapem_bekasi": 200,
        "penilai_bekasi": 200,  # seated in the period: scores Bantargebang
        "penilai_lintas": 200,
        "pimpinan_bekasi": 404,
        "tanpa_peran": 404,
        "tapem_tegal": 404,
    }
    for persona, status in expected.items():
        client.force_login(tenancy.users[persona])
        assert client.get(url).status_code == status, persona
    # Another region's URL for the same file: not there.
    client.force_login(tenancy.users["tapem_tegal"])
    assert client.get(url.replace("/bekasi/", "/tegal/")).status_code == 404
    client.logout()
    assert client.get(url).status_code == 401


def test_another_kecamatans_operator_sees_nothing(client, setup, tenancy, operator):
    from regions.models import Role
    from regions.services import membership_grant
    from tests.factories import UserFactory

    theirs = kecamatan_sheet(setup.period, "Jatiasih")
    with scopes_disabled():
        their_operator = UserFactory(username="op-jatiasih")
        membership_grant(
            user=their_operator,
            region=tenancy.bekasi,
            role=Role.OPERATOR,
            kecamatan=theirs.kecamatan,
        )
    client.force_login(their_operator)
    url = upload(client, theirs, "KEU", pdf_bytes()).json()["url"]
    client.force_login(tenancy.users["operator_bantargebang"])
    assert client.get(url).status_code == 404
    assert upload(client, theirs, "KEU", pdf_bytes("lain")).status_code == 404
    assert client.get(f"/api/v1/bekasi/sheets/{theirs.pk}/").status_code == 404
    # A penilai of the region who scores nobody in this period sees nothing either.
    with scopes_disabled():
        outsider = UserFactory(username="penilai-lain")
        membership_grant(user=outsider, region=tenancy.bekasi, role=Role.PENILAI)
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_no_upload_once_submitted(operator, sheet, tenancy):
    for code in ("KEU", "URAI"):
        assert upload(operator, sheet, code, pdf_bytes(code)).status_code == 201
    with scope(region=tenancy.bekasi):
        sheet_write(
            sheet=sheet,
            expected_version=0,
            values=FILLED,
            by=tenancy.users["operator_bantargebang"],
            via="api",
        )
    submitted = post_json(
        operator, f"/api/v1/bekasi/sheets/{sheet.pk}/submit/", {"version": sheet.version}
    )
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    before = evidence_rows(sheet)
    response = upload(operator, sheet, "KEU", pdf_bytes("terlambat"))
    assert response.status_code == 403
    assert response.json()["code"] == "sheet_submitted"
    assert evidence_rows(sheet) == before
    # Neither replacing nor withdrawing: refused in Indonesian, nothing recorded.
    keu = before[0]
    replace = upload(operator, sheet, "KEU", pdf_bytes("ganti"), replaces=keu.pk)
    assert replace.status_code == 403
    withdraw = operator.post(f"/api/v1/bekasi/sheets/{sheet.pk}/evidence/{keu.pk}/withdraw/")
    assert withdraw.status_code == 403
    assert "tidak dapat diubah" in withdraw.json()["message"]
    assert evidence_rows(sheet) == before
    with scopes_disabled():
        assert not EvidenceWithdrawal.objects.exists()


def test_no_upload_while_the_period_does_not_take_values(operator, sheet, setup):
    from evaluations.models import Period
    from evaluations.services import period_set_status

    with scope(region=setup.region):
        period_set_status(period=setup.period, status=Period.Status.CLOSED, by=None)
    response = upload(operator, sheet, "KEU", pdf_bytes())
    assert response.status_code == 403
    assert response.json()["code"] == "period_not_open"


def test_a_team_sheet_takes_no_evidence(client, setup, tenancy):
    with scopes_disabled():
        team = Sheet.objects.filter(
            period=setup.period, assessor=tenancy.users["penilai_bekasi"]
        ).first()
    client.force_login(tenancy.users["penilai_bekasi"])
    assert upload(client, team, "S1", pdf_bytes()).status_code == 404


def test_private_files_have_no_public_url(settings):
    from config.uploads import PrivateStorage

    assert "private" in settings.STORAGES
    with pytest.raises(ValueError):
        PrivateStorage(location="/tmp/kinerja-private-test").url("x.pdf")
    assert storages["private"] is not storages["default"]


def test_a_code_repeated_across_aspects_is_named_with_its_aspect(client, make_period, tenancy):
    """Banggai's stage 1 repeats the code "uraian" in all ten aspects."""
    data = mandiri_set()
    aspect = data["stages"][0]["aspects"][0]
    twin = {**aspect, "order": 3, "code": "M2", "name": "Isian kedua"}
    # The repeated text indicator, and a scored one (an aspect needs one).
    twin["indicators"] = [dict(i) for i in aspect["indicators"] if i["code"] in ("URAI", "PEM")]
    data["stages"][0]["aspects"].append(twin)
    setup = make_period(data)
    sheet = kecamatan_sheet(setup.period)
    client.force_login(tenancy.users["operator_bantargebang"])
    ambiguous = upload(client, sheet, "URAI", pdf_bytes())
    assert ambiguous.status_code == 422
    assert "sebut dengan aspeknya, misalnya M/URAI" in ambiguous.json()["message"]
    named = upload(client, sheet, "M2/URAI", pdf_bytes())
    assert named.status_code == 201 and named.json()["indicator"] == "M2/URAI"
    [stored] = evidence_rows(sheet)
    with scopes_disabled():
        assert stored.indicator.aspect.code == "M2"
    # The sheet API names (and takes) the same cells the same way.
    values = client.get(f"/api/v1/bekasi/sheets/{sheet.pk}/").json()["values"]
    names = [cell["indicator"] for cell in values]
    assert "M/URAI" in names and "M2/URAI" in names and "URAI" not in names
    response = client.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        '{"version": 0, "values": [{"indicator": "M2/URAI", "text": "Uraian kedua"}]}',
        content_type="application/json",
        headers={"Idempotency-Key": "dup-1"},
    )
    assert response.status_code == 200, response.content
    with scopes_disabled():
        entry = ScoreEntry.objects.get(sheet=sheet, indicator__code="URAI")
        assert (entry.indicator.aspect.code, entry.text) == ("M2", "Uraian kedua")
