"""The score template people fill in Excel: drop-downs, ranges, prompts, protected keys and
the `petunjuk` sheet, on top of the unchanged machine sheet `nilai`."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django_scopes import scope

from evaluations.score_template import GUIDE_SHEET, MAX_MESSAGE, MAX_TITLE, score_template_bytes
from evaluations.score_workbook import HEADER, SHEET
from tests.evaluations.conftest import options, read_rows, rich_set, stored

pytestmark = pytest.mark.django_db

FILLED = {
    "KEU:fisik": 80.5,
    "KEU:keuangan": 70,
    "PEM": 3,
    "CAP:target": 10,
    "CAP:realisasi": 12.25,
    "S1": 66.125,
    "C1": "b",
    "YN": "ya",
    "INT": 30,
    "P1": 90,
}


def guided_set(**changes):
    """rich_set() without its shortlist, S1 with guidance and evidence, C1 with a group."""
    data = rich_set(shortlist=None)
    team = data["stages"][0]["aspects"][1]["indicators"]
    team[0].update(
        guidance="Kesesuaian rencana dan realisasi kegiatan",
        help_text="Nilai dari berkas dan kunjungan lapangan.",
        evidence_note="Laporan realisasi kegiatan",
    )
    team[1].update(group="Pelayanan", **changes)
    return data


def workbook(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def validations_by_row(sheet):
    """{sheet row: its DataValidation} for column F, each row covered at most once."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            assert cells.min_col == cells.max_col == 6  # column F only
            for row in range(cells.min_row, cells.max_row + 1):
                assert row not in found, f"F{row} validated twice"
                found[row] = validation
    return found


@pytest.fixture
def period(make_period):
    return make_period(guided_set(), kecamatan=("Jatiasih", "Rawalumbu"), penilai=2).period


@pytest.fixture
def content(period):
    with scope(region=period.region):
        return score_template_bytes(period=period)


def test_the_machine_sheet_comes_first_with_its_header_and_petunjuk_follows(content):
    book = workbook(content)
    assert book.sheetnames == [SHEET, GUIDE_SHEET]
    assert book.active.title == SHEET
    assert tuple(cell.value for cell in book[SHEET][1]) == HEADER
    sheet = book[SHEET]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:I{sheet.max_row}"
    # each column explained where it is, in a comment on its header
    assert "kode pilihan" in sheet["F1"].comment.text.lower()


def test_choice_cells_drop_down_their_option_codes(content):
    sheet = workbook(content)[SHEET]
    by_row = validations_by_row(sheet)
    choices = [row for row in sheet.iter_rows(min_row=2) if row[8].value]
    assert {row[4].value for row in choices} == {"C1", "YN"}
    for row in choices:
        validation = by_row[row[0].row]
        codes = row[8].value.split("/")
        assert validation.type == "list"
        assert validation.formula1 == '"' + ",".join(codes) + '"'
        assert not validation.showDropDown  # (OOXML: True would hide the arrow)
        assert validation.allowBlank and validation.showErrorMessage
        assert validation.errorStyle == "stop"
        assert validation.error == f"Pilih salah satu kode: {', '.join(codes)}."


def test_number_cells_take_a_range_with_an_indonesian_message(content):
    sheet = workbook(content)[SHEET]
    by_row = validations_by_row(sheet)
    seen = {}
    for row in sheet.iter_rows(min_row=2):
        if row[8].value:
            continue
        validation = by_row[row[0].row]
        seen[row[4].value] = (
            validation.type,
            validation.operator,
            validation.formula1,
            validation.formula2,
            validation.error,
        )
        assert validation.allowBlank and validation.showErrorMessage
    decimal_0_100 = (
        "decimal",
        "between",
        "0",
        "100",
        "Isi angka (boleh desimal) dari 0 sampai 100.",
    )
    assert seen == {
        "KEU:fisik": decimal_0_100,
        "KEU:keuangan": decimal_0_100,
        "PEM": ("whole", "greaterThanOrEqual", "0", None, "Isi bilangan bulat paling kecil 0."),
        "CAP:target": (
            "decimal",
            "greaterThanOrEqual",
            "0",
            None,
            "Isi angka (boleh desimal) paling kecil 0.",
        ),
        "CAP:realisasi": (
            "decimal",
            "greaterThanOrEqual",
            "0",
            None,
            "Isi angka (boleh desimal) paling kecil 0.",
        ),
        "S1": decimal_0_100,
        "INT": ("whole", "between", "0", "30", "Isi bilangan bulat dari 0 sampai 30."),
        "P1": decimal_0_100,
    }


def test_one_validation_per_indicator_part_covers_every_value_cell_once(content):
    sheet = workbook(content)[SHEET]
    by_row = validations_by_row(sheet)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(by_row) == list(range(2, len(rows) + 2))
    kinds = {(row[0], row[3], row[4]) for row in rows}
    assert len(sheet.data_validations.dataValidation) == len(kinds) < len(rows)
    for number, row in enumerate(rows, start=2):
        assert by_row[number].promptTitle == row[4]


def test_the_prompt_shows_the_indicator_text_options_and_guidance(content):
    sheet = workbook(content)[SHEET]
    by_row = validations_by_row(sheet)
    prompts = {row[4].value: by_row[row[0].row].prompt for row in sheet.iter_rows(min_row=2)}
    assert prompts["S1"] == (
        "Indikator S1\nFokus: Kesesuaian rencana dan realisasi kegiatan\n"
        "Isi angka (boleh desimal) dari 0 sampai 100."
    )
    assert prompts["C1"] == "Indikator C1\na = A\nb = B\nc = C\nPilih salah satu kode: a/b/c."
    assert prompts["KEU:fisik"].startswith("Indikator KEU — bagian fisik\n")
    assert all(validation.showInputMessage for validation in by_row.values())


def test_long_texts_are_shortened_to_what_excel_accepts(make_period):
    data = guided_set(
        code="C" * 30,
        text="Apakah " + "pelayanan " * 60,
        guidance="Fokus " * 80,
        options=options(*((f"kode{n:02d}xyz", str(n)) for n in range(30))),
    )
    period = make_period(data, kecamatan=("Jatiasih",), penilai=1).period
    with scope(region=period.region):
        book = workbook(score_template_bytes(period=period))
    sheet = book[SHEET]
    for validation in sheet.data_validations.dataValidation:
        assert len(validation.prompt) <= MAX_MESSAGE and len(validation.error) <= MAX_MESSAGE
        assert len(validation.promptTitle) <= MAX_TITLE and len(validation.errorTitle) <= MAX_TITLE
    long_choice = next(
        v for v in sheet.data_validations.dataValidation if v.promptTitle.startswith("CCC")
    )
    # 30 codes do not fit Excel's 255-character inline list: they come from a hidden sheet
    assert long_choice.prompt.startswith("Apakah pelayanan pelayanan")
    assert long_choice.formula1 == "kode_pilihan!$A$1:$A$30"
    codes = book["kode_pilihan"]
    assert codes.sheet_state == "hidden"
    assert [row[0] for row in codes.iter_rows(values_only=True)] == [
        f"kode{n:02d}xyz" for n in range(30)
    ]


def test_key_columns_are_locked_and_only_the_value_column_is_open(content):
    sheet = workbook(content)[SHEET]
    protection = sheet.protection
    assert protection.sheet and not protection.password
    assert not protection.formatColumns and not protection.autoFilter  # widen, filter: allowed
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        assert [cell.protection.locked for cell in row] == [True] * 5 + [False] + [True] * 3


def test_petunjuk_explains_how_to_fill_and_lists_every_indicator(content):
    sheet = workbook(content)[GUIDE_SHEET]
    rows = [tuple(v for v in row if v is not None) for row in sheet.iter_rows(values_only=True)]
    text = "\n".join(" ".join(str(v) for v in row) for row in rows)
    for words in (
        "Periode 2026",
        "Nomor 1 Tahun 2026 tentang Peraturan uji",
        "KEU:fisik",
        "kosong berarti belum diisi",
        "Semua baris disimpan, atau tidak satu pun",
        "TANPA kata sandi",
        "daftar tarik-turun",
        "nilai_min dan nilai_maks hanya menunjukkan rentang skor pilihan",
    ):
        assert words in text
    columns = {row[1]: row[2] for row in rows if len(row) == 3 and row[0] in "ABCDEFGHI"}
    assert list(columns) == list(HEADER)
    assert columns["nilai"].startswith("Satu-satunya kolom yang diisi")
    header = rows.index(
        (
            "tahap",
            "aspek",
            "indikator",
            "kelompok",
            "uraian",
            "fokus penilaian",
            "petunjuk pengisian",
            "data dukung",
            "isian",
            "pilihan (kode = jawaban, skor)",
        )
    )
    listed = {row[2]: row for row in rows[header + 1 :]}
    assert list(listed) == ["KEU", "PEM", "CAP", "S1", "C1", "YN", "INT", "P1"]  # no URAI
    assert listed["S1"] == (
        "T1",
        "T",
        "S1",
        "Indikator S1",
        "Kesesuaian rencana dan realisasi kegiatan",
        "Nilai dari berkas dan kunjungan lapangan.",
        "Laporan realisasi kegiatan",
        "Isi angka (boleh desimal) dari 0 sampai 100.",
    )
    assert listed["C1"][3:5] == ("Pelayanan", "Indikator C1")
    assert listed["C1"][-1] == "a = A (100)\nb = B (50)\nc = C (0)"
    assert listed["KEU"][-1] == (
        "KEU:fisik: Isi angka (boleh desimal) dari 0 sampai 100.\n"
        "KEU:keuangan: Isi angka (boleh desimal) dari 0 sampai 100."
    )


def test_a_template_filled_in_excel_imports_unchanged(period, content, tmp_path):
    book = workbook(content)
    sheet = book[SHEET]
    for row in sheet.iter_rows(min_row=2):
        row[5].value = FILLED[row[4].value]
    path = tmp_path / "terisi.xlsx"
    book.save(path)  # as Excel would keep it: validations, protection, petunjuk and all
    out = io.StringIO()
    call_command(
        "import_scores", "--region", "bekasi", "--period", period.slug, str(path), stdout=out
    )
    values = stored(period)
    assert len(values) == sheet.max_row - 1
    assert values[("Rawalumbu", "C1", "penilai_lintas", "")] == "b"
    assert values[("Jatiasih", "KEU", "mandiri", "fisik")] == 80.5
    with scope(region=period.region):
        again = read_rows(score_template_bytes(period=period))
    assert [row[5] for row in again[1:]] == [FILLED[row[4]] for row in again[1:]]


def test_the_shipped_pekalongan_template_carries_one_validation_per_indicator(db):
    call_command("load_demo", "--no-scores", stdout=io.StringIO())
    from evaluations.models import Period
    from regions.models import Region

    region = Region.objects.get(slug="pekalongan")
    with scope(region=region):
        content = score_template_bytes(period=Period.objects.get(slug="2026"))
    sheet = workbook(content)[SHEET]
    assert sheet.max_row - 1 == 19 * 5 * 25 + 19 * 5 * 2
    assert len(sheet.data_validations.dataValidation) == 25 + 2
    assert len(validations_by_row(sheet)) == sheet.max_row - 1
