"""The operator's form in the browser (no script): values and evidence in one plain post,
the completeness meter, refusals that keep what was typed, and Tapem's comments."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from evaluations.models import Evidence, ScoreEntry
from evaluations.self_assessment import ReviewItem, sheet_return
from evaluations.sheets import sheet_submit
from tests.evaluations.selfassessment import ELF, kecamatan_sheet, mandiri_set, pdf_bytes

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


def url(sheet):
    return f"/bekasi/periode/2026/lembar/{sheet.pk}/"


def field_names(sheet):
    with scopes_disabled():
        ids = {
            code: pk
            for code, pk in sheet.period.instrument_set.stages.first()
            .aspects.get(code="M")
            .indicators.values_list("code", "id")
        }
    return ids


def form_data(sheet, *, version=0, action="save", **extra):
    ids = field_names(sheet)
    data = {
        "version": version,
        "key": uuid.uuid4().hex,
        "action": action,
        f"sel-{ids['KEU']}-fisik": "80",
        f"sel-{ids['KEU']}-keuangan": "90",
        f"sel-{ids['PEM']}-_": "4",
        f"sel-{ids['CAP']}-target": "100",
        f"sel-{ids['CAP']}-realisasi": "95",
        f"sel-{ids['URAI']}-_": "Uraian kegiatan.",
    }
    data.update(extra)
    return data


def files(sheet, **by_code):
    ids = field_names(sheet)
    return {
        f"berkas-{ids[code]}": SimpleUploadedFile(name, content)
        for code, (name, content) in by_code.items()
    }


def entries(sheet):
    with scopes_disabled():
        return ScoreEntry.objects.filter(sheet=sheet).count()


def evidence(sheet):
    with scopes_disabled():
        return list(Evidence.objects.filter(sheet=sheet))


def test_the_meter_names_what_is_missing(operator, sheet):
    page = operator.get(url(sheet)).content.decode()
    assert "Kelengkapan: 0 dari 8" in page
    assert (
        "KEU — Indikator KEU</a>: fisik belum diisi; keuangan belum diisi; data dukung belum "
        "diunggah" in page
    )
    assert "PEM — Indikator PEM</a>: belum diisi" in page
    assert 'enctype="multipart/form-data"' in page
    assert "Laporan realisasi" in page  # the indicator's evidence note


def test_values_and_files_in_one_post_then_submit(operator, sheet):
    data = form_data(sheet, **files(sheet, KEU=("sp2d.pdf", pdf_bytes("a"))))
    response = operator.post(url(sheet), data)
    assert response.status_code == 302
    assert entries(sheet) == 6
    assert [e.original_name for e in evidence(sheet)] == ["sp2d.pdf"]
    page = operator.get(url(sheet)).content.decode()
    assert "Kelengkapan: 7 dari 8" in page
    assert "URAI — Indikator URAI</a>: data dukung belum diunggah" in page
    assert "sp2d.pdf" in page

    incomplete = operator.post(url(sheet), form_data(sheet, version=1, action="submit"))
    assert incomplete.status_code == 422
    assert "Data dukung URAI belum diunggah." in incomplete.content.decode()
    done = operator.post(
        url(sheet),
        form_data(
            sheet, version=1, action="submit", **files(sheet, URAI=("uraian.pdf", pdf_bytes("b")))
        ),
    )
    assert done.status_code == 302
    page = operator.get(url(sheet)).content.decode()
    assert "Diajukan" in page and "Simpan lalu ajukan" not in page
    assert 'type="file"' not in page  # locked: no more uploads


def test_a_refused_file_stores_nothing_and_keeps_what_was_typed(operator, sheet):
    data = form_data(sheet, **files(sheet, KEU=("laporan.pdf", ELF)))
    response = operator.post(url(sheet), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Jenis berkas ini tidak diterima" in page
    assert 'value="80"' in page  # what was typed is still in the form
    assert entries(sheet) == 0 and evidence(sheet) == []


def test_an_oversized_file_is_413_with_an_indonesian_message(operator, sheet, settings):
    settings.KINERJA_MAX_EVIDENCE_BYTES = 1024
    data = form_data(sheet, **files(sheet, KEU=("besar.pdf", pdf_bytes() + b"0" * 4096)))
    response = operator.post(url(sheet), data)
    assert response.status_code == 413
    assert "Berkas terlalu besar; ukuran maksimal" in response.content.decode()
    assert entries(sheet) == 0 and evidence(sheet) == []


def test_the_operator_reads_what_to_repair_and_by_when(operator, sheet, setup, tenancy):
    from django.utils import timezone

    from evaluations.models import StageDeadline

    operator.post(
        url(sheet),
        form_data(
            sheet,
            **files(sheet, KEU=("a.pdf", pdf_bytes("a")), URAI=("b.pdf", pdf_bytes("b"))),
        ),
    )
    with scope(region=setup.region):
        StageDeadline.objects.create(period=setup.period, stage=sheet.stage, repair_days=2)
        sheet.refresh_from_db()
        operator_user = tenancy.users["operator_bantargebang"]
        sheet_submit(sheet=sheet, expected_version=sheet.version, by=operator_user)
        request = sheet_return(
            sheet=sheet,
            reason="Realisasi keuangan tidak sesuai SP2D",
            items=[ReviewItem("KEU", "Unggah SP2D triwulan IV")],
            by=tenancy.users["tapem_bekasi"],
        )
    page = operator.get(url(sheet)).content.decode()
    assert "Dikembalikan untuk perbaikan" in page
    assert "Realisasi keuangan tidak sesuai SP2D" in page
    assert "Unggah SP2D triwulan IV" in page
    assert "Batas perbaikan" in page
    day = timezone.localtime(request.repair_by).day
    assert f"{day} " in page
    assert 'type="file"' in page  # open again for repair


def current_files(sheet):
    with scopes_disabled():
        return sorted(e.original_name for e in Evidence.objects.current().filter(sheet=sheet))


def test_several_files_a_replacement_and_a_withdrawal_in_plain_posts(operator, sheet):
    keu = field_names(sheet)["KEU"]
    two = [
        SimpleUploadedFile("sp2d.pdf", pdf_bytes("a")),
        SimpleUploadedFile("foto.pdf", pdf_bytes("b")),
    ]
    assert operator.post(url(sheet), form_data(sheet, **{f"berkas-{keu}": two})).status_code == 302
    assert current_files(sheet) == ["foto.pdf", "sp2d.pdf"]
    page = operator.get(url(sheet)).content.decode()
    with scopes_disabled():
        sp2d, foto = (
            Evidence.objects.get(sheet=sheet, original_name=n) for n in ("sp2d.pdf", "foto.pdf")
        )
    assert f'name="ganti-{sp2d.pk}"' in page and f'name="tarik-{foto.pk}"' in page
    assert "Tambah berkas" in page

    response = operator.post(
        url(sheet),
        form_data(
            sheet,
            version=1,
            **{
                f"ganti-{sp2d.pk}": SimpleUploadedFile("sp2d-baru.pdf", pdf_bytes("c")),
                f"tarik-{foto.pk}": "on",
            },
        ),
    )
    assert response.status_code == 302
    assert current_files(sheet) == ["sp2d-baru.pdf"]
    with scopes_disabled():
        assert Evidence.objects.filter(sheet=sheet).count() == 3  # the history stays


def test_a_refused_replacement_keeps_the_file_and_what_was_typed(operator, sheet):
    keu = field_names(sheet)["KEU"]
    operator.post(
        url(sheet), form_data(sheet, **{f"berkas-{keu}": SimpleUploadedFile("a.pdf", pdf_bytes())})
    )
    with scopes_disabled():
        first = Evidence.objects.get(sheet=sheet)
    response = operator.post(
        url(sheet),
        form_data(
            sheet,
            version=1,
            **{f"sel-{keu}-fisik": "77", f"ganti-{first.pk}": SimpleUploadedFile("x.pdf", ELF)},
        ),
    )
    assert response.status_code == 422
    assert 'value="77"' in response.content.decode()
    assert current_files(sheet) == ["a.pdf"]
