"""`import_scores`: a filled score workbook becomes stored values, all rows or none."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from evaluations.models import Period, ScoreEntry, Sheet, ValueChange
from evaluations.score_workbook import HEADER, score_template_bytes
from instruments.models import InstrumentSet
from tests.evaluations.conftest import (
    add_kecamatan,
    disqualify,
    read_rows,
    rich_set,
    stored,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


def run_import(period, content, tmp_path):
    """(stdout, stderr) of import_scores; raises CommandError as the command does."""
    path = tmp_path / "isi.xlsx"
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_scores",
            "--region",
            period.region.slug,
            "--period",
            period.slug,
            str(path),
            stdout=out,
            stderr=err,
        )
    except CommandError as error:
        error.stderr = err.getvalue()
        raise
    return out.getvalue(), err.getvalue()


def template_rows(period):
    with scope(region=period.region):
        return read_rows(score_template_bytes(period=period))[1:]


def a_value(row):
    """A valid value for a template row: the first option, or the middle of the range."""
    if row[8]:
        return row[8].split("/")[0]
    if row[7] is None:
        return 7
    return (row[6] + row[7]) // 2


def filled(rows, **by_indicator):
    return [(*row[:5], by_indicator.get(row[4], a_value(row)), *row[6:]) for row in rows]


@pytest.fixture
def setup(make_period):
    """The rich set (no shortlist), Bantargebang and Jatiasih, 2 penilai: 30 rows."""
    return make_period(rich_set(shortlist=None), kecamatan=("Bantargebang", "Jatiasih"))


def test_round_trip(setup, tmp_path):
    rows = filled(template_rows(setup.period), S1=85.5, C1="b", **{"CAP:realisasi": 12.5})
    out, err = run_import(setup.period, workbook_bytes(rows), tmp_path)
    assert out.strip() == (
        "Impor selesai: 30 baris; 30 nilai disimpan, 0 dikosongkan, 0 tidak berubah."
    )
    assert err == ""
    values = stored(setup.period)
    assert len(values) == 30
    assert values[("Jatiasih", "S1", "penilai_lintas", "")] == Decimal("85.5")
    assert values[("Jatiasih", "C1", "penilai_lintas", "")] == "b"
    assert values[("Bantargebang", "CAP", "mandiri", "realisasi")] == Decimal("12.5")
    assert values[("Bantargebang", "KEU", "mandiri", "fisik")] == 50
    with scope(region=setup.region):
        choice = ScoreEntry.objects.get(
            period=setup.period, indicator__code="C1", kecamatan__name="Jatiasih",
            assessor__username="penilai_lintas",
        )  # fmt: skip
        assert choice.value == 50  # the option's score kept alongside the code
    # The template now carries the values; importing it again changes nothing.
    again = template_rows(setup.period)
    assert again == rows
    out, _ = run_import(setup.period, workbook_bytes(again), tmp_path)
    assert "0 nilai disimpan, 0 dikosongkan, 30 tidak berubah" in out


def test_reimport_replaces_the_same_cells(setup, tmp_path):
    rows = filled(template_rows(setup.period))
    run_import(setup.period, workbook_bytes(rows), tmp_path)
    changed = [(*row[:5], 99, *row[6:]) if row[4] == "S1" else row for row in rows]
    out, _ = run_import(setup.period, workbook_bytes(changed), tmp_path)
    assert "4 nilai disimpan, 0 dikosongkan, 26 tidak berubah" in out
    values = stored(setup.period)
    assert len(values) == 30
    assert {v for k, v in values.items() if k[1] == "S1"} == {Decimal(99)}


def test_reimport_writes_each_changed_cell_its_own_value_and_history(setup, tmp_path):
    """Changed cells are written grouped by the value they take: every cell still ends with
    its own row's value, and each change keeps the old value in the history."""
    rows = filled(template_rows(setup.period))
    run_import(setup.period, workbook_bytes(rows), tmp_path)
    before = stored(setup.period)
    s1 = iter((61, 62, 61.5, 64))
    changed = [
        (*row[:5], next(s1) if row[4] == "S1" else "b" if row[4] == "C1" else row[5], *row[6:])
        for row in rows
    ]
    out, _ = run_import(setup.period, workbook_bytes(changed), tmp_path)
    assert "8 nilai disimpan, 0 dikosongkan, 22 tidak berubah" in out
    after = stored(setup.period)
    s1_values = [after[(row[1], "S1", row[2], "")] for row in changed if row[4] == "S1"]
    assert s1_values == [Decimal(61), Decimal(62), Decimal("61.5"), Decimal(64)]
    assert {v for k, v in after.items() if k[1] == "C1"} == {"b"}
    assert {k: v for k, v in after.items() if k[1] not in {"S1", "C1"}} == {
        k: v for k, v in before.items() if k[1] not in {"S1", "C1"}
    }
    with scope(region=setup.region):
        choice = ScoreEntry.objects.filter(period=setup.period, indicator__code="C1")
        assert {entry.value for entry in choice} == {Decimal(50)}  # option b's score
        changes = ValueChange.objects.filter(sheet__period=setup.period, via="import")
        last = changes.filter(indicator__code="S1").order_by("-pk")[:4]
        assert sorted(change.new_value for change in last) == [61, Decimal("61.5"), 62, 64]
        assert {change.old_value for change in last} == {before[k] for k in before if k[1] == "S1"}


def test_an_empty_value_clears_the_cell_and_other_cells_stay(setup, tmp_path):
    rows = filled(template_rows(setup.period))
    run_import(setup.period, workbook_bytes(rows), tmp_path)
    only_two = [(*row[:5], None, *row[6:]) for row in rows if row[4] == "S1"][:2]
    out, _ = run_import(setup.period, workbook_bytes(only_two), tmp_path)
    assert "0 nilai disimpan, 2 dikosongkan, 0 tidak berubah" in out
    values = stored(setup.period)
    assert len(values) == 28
    assert ("Bantargebang", "S1", "penilai_bekasi", "") not in values


def test_lenient_where_nothing_is_ambiguous(setup, tmp_path):
    """Kecamatan by slug or any case, option codes in any case, "85,5" as text, trailing
    empty rows."""
    rows = filled(template_rows(setup.period))
    rows = [
        (row[0], "jatiasih" if row[1] == "Jatiasih" else "BANTARGEBANG", *row[2:5],
         "B" if row[4] == "C1" else "85,5" if row[4] == "S1" else row[5], *row[6:])
        for row in rows
    ]  # fmt: skip
    rows += [("", " ", None, None, None, None, None, None, None)] * 3
    out, _ = run_import(setup.period, workbook_bytes(rows), tmp_path)
    assert "30 baris; 30 nilai disimpan" in out
    values = stored(setup.period)
    assert values[("Jatiasih", "C1", "penilai_bekasi", "")] == "b"
    assert values[("Jatiasih", "S1", "penilai_bekasi", "")] == Decimal("85.5")


def test_first_values_freeze_the_instrument_set(setup, tmp_path):
    with scope(region=setup.region):
        assert not setup.period.instrument_set.is_frozen
    run_import(setup.period, workbook_bytes(filled(template_rows(setup.period))), tmp_path)
    with scope(region=setup.region):
        assert InstrumentSet.objects.get(pk=setup.period.instrument_set_id).is_frozen


def change(field, value, indicator="S1"):
    """Set `field` of the first row of `indicator` to `value`."""
    index = HEADER.index(field)

    def apply(rows):
        position = next(n for n, row in enumerate(rows) if row[4] == indicator)
        row = list(rows[position])
        row[index] = value
        rows[position] = tuple(row)
        return position

    return apply


BAD_ROWS = {
    "above max": (change("nilai", 101), "nilai 101 di atas nilai maksimal 100"),
    "below min": (change("nilai", -1), "nilai -1 di bawah nilai minimal 0"),
    "negative target": (
        change("nilai", -5, "CAP:target"),
        "nilai -5 di bawah nilai minimal 0",
    ),
    "decimal where whole": (
        change("nilai", 10.5, "INT"),
        "nilai 10,5 harus bilangan bulat pada indikator INT",
    ),
    "whole-number count": (change("nilai", 2.5, "PEM"), "harus bilangan bulat"),
    "too many decimals": (
        change("nilai", 1.23456),
        "nilai 1,23456 memiliki lebih dari 4 angka di belakang koma",
    ),
    "text for a number": (change("nilai", "bagus"), "nilai 'bagus' bukan angka"),
    "true for a number": (change("nilai", True), "bukan angka"),
    "formula": (change("nilai", "=40+2"), "nilai berupa rumus"),
    "option not offered": (
        change("nilai", "d", "C1"),
        "pilihan 'd' tidak tersedia pada indikator C1 (pilih a/b/c)",
    ),
    "number for yes/no": (change("nilai", 100, "YN"), "pilihan '100' tidak tersedia"),
    "unknown tahap": (change("tahap", "T9"), "tahap 'T9' tidak dikenal"),
    "unknown kecamatan": (change("kecamatan", "Atlantis"), "kecamatan 'Atlantis' tidak dikenal"),
    "kecamatan of another region": (
        change("kecamatan", "Slawi"),
        "kecamatan 'Slawi' tidak dikenal",
    ),
    "not participating": (
        change("kecamatan", "Medan Satria"),
        "kecamatan Medan Satria bukan peserta periode ini",
    ),
    "disqualified": (
        change("kecamatan", "Bekasi Barat"),
        "kecamatan Bekasi Barat ditandai tidak dinilai",
    ),
    "unknown penilai": (
        change("penilai", "penilai_banggai"),
        "penilai 'penilai_banggai' bukan anggota tim tahap T1",
    ),
    "penilai of the region, not on the team": (
        change("penilai", "tapem_bekasi"),
        "penilai 'tapem_bekasi' bukan anggota tim tahap T1",
    ),
    "mandiri on a team indicator": (
        change("penilai", "mandiri"),
        "indikator S1 diisi oleh tim penilai, bukan 'mandiri'",
    ),
    "penilai on a kecamatan indicator": (
        change("penilai", "penilai_bekasi", "PEM"),
        "indikator PEM diisi oleh kecamatan; tulis 'mandiri' pada kolom penilai",
    ),
    "unknown aspek": (change("aspek", "Z"), "aspek 'Z' tidak dikenal pada tahap T1"),
    "unknown indikator": (
        change("indikator", "S9"),
        "indikator 'S9' tidak dikenal pada aspek T tahap T1",
    ),
    "unknown part": (
        change("indikator", "KEU:lainnya", "KEU:fisik"),
        "bagian 'lainnya' tidak dikenal pada indikator KEU (fisik/keuangan)",
    ),
    "part missing": (
        change("indikator", "KEU", "KEU:fisik"),
        "indikator KEU terdiri atas bagian (fisik/keuangan); tulis KEU:<bagian>",
    ),
    "part on a single value": (
        change("indikator", "S1:x"),
        "indikator S1 tidak memiliki bagian",
    ),
    "text indicator": (
        change("indikator", "URAI", "PEM"),
        "indikator URAI berupa uraian tanpa skor",
    ),
    "empty column": (change("tahap", None), "kolom tahap kosong"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_every_bad_row_is_refused_with_its_row_number_and_nothing_is_stored(
    case, make_period, tmp_path
):
    setup = make_period(
        rich_set(shortlist=None), kecamatan=("Bantargebang", "Jatiasih", "Bekasi Barat")
    )
    add_kecamatan(setup.region, "Medan Satria")
    rows = filled(template_rows(setup.period))
    run_import(setup.period, workbook_bytes(rows), tmp_path)
    disqualify(setup.period, "Bekasi Barat")
    before = stored(setup.period)

    apply, reason = BAD_ROWS[case]
    # Good changes (every S1 becomes 1) around one bad row.
    new_values = [
        (*row[:5], 1, *row[6:]) if row[4] == "S1" else row
        for row in rows
        if row[1] != "Bekasi Barat"
    ]
    position = apply(new_values)
    with pytest.raises(CommandError, match="tidak ada nilai yang disimpan") as raised:
        run_import(setup.period, workbook_bytes(new_values), tmp_path)
    [line] = raised.value.stderr.strip().splitlines()
    assert line.startswith(f"baris {position + 2}: ")
    assert reason in line
    assert stored(setup.period) == before  # the good changes were not stored either


def test_every_bad_row_is_reported(setup, tmp_path):
    rows = filled(template_rows(setup.period))
    rows[0] = (*rows[0][:5], "x", *rows[0][6:])
    rows[5] = (*rows[5][:5], 1000, *rows[5][6:])
    rows.append(rows[3])  # the same cell twice
    with pytest.raises(CommandError, match=r"Impor dibatalkan \(3 masalah\)") as raised:
        run_import(setup.period, workbook_bytes(rows), tmp_path)
    lines = raised.value.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["baris 2", "baris 7", "baris 32"]
    assert lines[2] == "baris 32: sel yang sama sudah ada pada baris 5"
    assert stored(setup.period) == {}


def test_a_failure_while_writing_rolls_everything_back(setup, tmp_path, monkeypatch):
    rows = filled(template_rows(setup.period))
    run_import(setup.period, workbook_bytes(rows), tmp_path)
    before = stored(setup.period)

    def broken(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(ScoreEntry.objects, "bulk_create", broken)
    changed = [(*row[:5], 1, *row[6:]) if row[4] == "S1" else row for row in rows]
    changed[-1] = (*changed[-1][:5], None, *changed[-1][6:])  # and one cleared cell
    with pytest.raises(RuntimeError):
        run_import(setup.period, workbook_bytes(changed), tmp_path)
    assert stored(setup.period) == before


def _zip(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


def _xlsx_with(extra_parts):
    """A valid workbook with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in extra_parts:
                target.writestr(item, source.read(item.filename))
        for name, content in extra_parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>&lol2;</t></si></sst>"
)

BAD_FILES = {
    "not a workbook": (b"tahap,kecamatan\nT1,Jatiasih\n", "bukan workbook Excel (.xlsx)"),
    "a zip that is not xlsx": (_zip({"catatan.txt": b"halo"}), "bukan workbook Excel (.xlsx)"),
    "old .xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "format Excel lama (.xls)"),
    "macros": (_xlsx_with({"xl/vbaProject.bin": b"\0" * 64}), "Berkas berisi makro (VBA)"),
    "missing sheet": (workbook_bytes([], sheet="Sheet1"), "Lembar 'nilai' tidak ada"),
    "wrong header": (
        workbook_bytes([], header=("tahap", "kecamatan", "penilai")),
        "baris 1: kepala kolom harus tahap | kecamatan | penilai | aspek | indikator | nilai "
        "| nilai_min | nilai_maks | pilihan.",
    ),
    "entity expansion": (
        _xlsx_with({"xl/sharedStrings.xml": BILLION_LAUGHS}),
        "DOCTYPE/ENTITY",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_are_refused(case, setup, tmp_path):
    content, reason = BAD_FILES[case]
    with pytest.raises(CommandError) as raised:
        run_import(setup.period, content, tmp_path)
    assert reason in raised.value.stderr
    assert stored(setup.period) == {}


def test_zip_bombs_and_oversized_files_are_refused(setup, tmp_path, settings):
    content = workbook_bytes(filled(template_rows(setup.period)))
    settings.KINERJA_MAX_WORKBOOK_UNCOMPRESSED_BYTES = 2000
    with pytest.raises(CommandError) as raised:
        run_import(setup.period, content, tmp_path)
    assert "Isi berkas tidak wajar untuk sebuah workbook" in raised.value.stderr
    del settings.KINERJA_MAX_WORKBOOK_UNCOMPRESSED_BYTES
    settings.KINERJA_MAX_WORKBOOK_BYTES = 1024 * 1024
    run_import(setup.period, content, tmp_path)  # fine at 1 MB
    settings.KINERJA_MAX_WORKBOOK_BYTES = 1000
    with pytest.raises(CommandError) as raised:
        run_import(setup.period, content, tmp_path)
    assert "Berkas terlalu besar" in raised.value.stderr


def test_a_closed_period_takes_no_values(setup, tmp_path):
    with scope(region=setup.region):
        Period.objects.filter(pk=setup.period.pk).update(status=Period.Status.CLOSED)
    with pytest.raises(CommandError) as raised:
        run_import(setup.period, workbook_bytes(filled(template_rows(setup.period))), tmp_path)
    assert "berstatus Penilaian ditutup" in raised.value.stderr
    assert stored(setup.period) == {}


def test_a_final_sheet_is_refused_with_its_row_and_nothing_is_stored(setup, tmp_path):
    rows = filled(template_rows(setup.period))
    with scope(region=setup.region):
        Sheet.objects.filter(
            period=setup.period, kecamatan__name="Jatiasih", assessor__username="penilai_bekasi"
        ).update(state=Sheet.State.FINAL)
    with pytest.raises(CommandError) as raised:
        run_import(setup.period, workbook_bytes(rows), tmp_path)
    lines = raised.value.stderr.splitlines()
    jatiasih_rows = [
        number
        for number, row in enumerate(rows, start=2)
        if row[1] == "Jatiasih" and row[2] == "penilai_bekasi"
    ]
    assert lines == [
        f"baris {n}: lembar penilai_bekasi untuk Jatiasih berstatus Final" for n in jatiasih_rows
    ]
    assert stored(setup.period) == {}


def test_a_period_in_preparation_takes_no_values(make_period, tmp_path):
    period = make_period(status="preparation").period
    with pytest.raises(CommandError) as raised:
        run_import(period, workbook_bytes(filled(template_rows(period))), tmp_path)
    assert "masih dipersiapkan" in raised.value.stderr
    assert stored(period) == {}


def test_unknown_region_or_period(setup, tmp_path):
    content = workbook_bytes([])
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="Pemerintah daerah 'atlantis' tidak ditemukan"):
        call_command("import_scores", "--region", "atlantis", "--period", "2026", str(path))
    with pytest.raises(CommandError, match="Periode '1999' tidak ditemukan di Kota Bekasi"):
        call_command("import_scores", "--region", "bekasi", "--period", "1999", str(path))
    # The period of one region is not reachable through another region's slug.
    with pytest.raises(CommandError, match="Periode '2026' tidak ditemukan"):
        call_command("import_scores", "--region", "tegal", "--period", "2026", str(path))
