"""Small builders for scoring specs and entries, and the four regions' instrument sets as the
digest (/work/shared/regulations/README.md) prints them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from scoring.rules import (
    AspectCombine,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    MemberCombine,
    Polarity,
    PredicateRounding,
)
from scoring.structures import (
    AspectSpec,
    AwardSpec,
    BandSpec,
    Entry,
    IndicatorSpec,
    InstrumentSpec,
    OptionSpec,
    Participant,
    StageSpec,
    TieBreakSpec,
)

Number = int | str | Decimal


def d(value: Number) -> Decimal:
    """A Decimal from an int or a string; floats are refused on purpose."""
    if isinstance(value, float):
        raise TypeError("no floats in scores")
    return Decimal(value)


def _opt(value: Number | None) -> Decimal | None:
    return None if value is None else d(value)


# ---------------------------------------------------------------- indicators


def score(
    code: str,
    *,
    lo: Number | None = 0,
    hi: Number | None = 100,
    weight: Number | None = None,
    by: EnteredBy = EnteredBy.TEAM,
    integer_only: bool = False,
    name: str = "",
) -> IndicatorSpec:
    return IndicatorSpec(
        code,
        name or code,
        IndicatorKind.SCORE,
        entered_by=by,
        min_value=_opt(lo),
        max_value=_opt(hi),
        integer_only=integer_only,
        weight=_opt(weight),
    )


def choice(
    code: str, options: Mapping[str, Number], *, weight: Number | None = None
) -> IndicatorSpec:
    return IndicatorSpec(
        code,
        code,
        IndicatorKind.CHOICE,
        weight=_opt(weight),
        options=tuple(OptionSpec(c, c, d(s)) for c, s in options.items()),
    )


def yes_no(code: str, *, ya: Number = 100, tidak: Number = 0) -> IndicatorSpec:
    return IndicatorSpec(
        code,
        code,
        IndicatorKind.YES_NO,
        options=(OptionSpec("ya", "Ya", d(ya)), OptionSpec("tidak", "Tidak", d(tidak))),
    )


def pair(
    code: str,
    parts: Mapping[str, Number],
    *,
    by: EnteredBy = EnteredBy.KECAMATAN,
    years: int = 1,
) -> IndicatorSpec:
    return IndicatorSpec(
        code,
        code,
        IndicatorKind.PERCENTAGE_PAIR,
        entered_by=by,
        min_value=d(0),
        max_value=d(100),
        parts=tuple((name, d(w)) for name, w in parts.items()),
        years=years,
    )


def count(
    code: str,
    *,
    hi: Number = 100,
    weight: Number | None = None,
    by: EnteredBy = EnteredBy.KECAMATAN,
    recorded: tuple[str, ...] = (),
) -> IndicatorSpec:
    return IndicatorSpec(
        code,
        code,
        IndicatorKind.COUNT_NORMALISED,
        entered_by=by,
        min_value=d(0),
        max_value=d(hi),
        integer_only=bool(recorded),
        weight=_opt(weight),
        recorded=recorded,
    )


def capaian(
    code: str,
    polarity: Polarity,
    *,
    lo: Number | None = 0,
    hi: Number | None = 100,
    by: EnteredBy = EnteredBy.KECAMATAN,
) -> IndicatorSpec:
    return IndicatorSpec(
        code,
        code,
        IndicatorKind.CAPAIAN,
        entered_by=by,
        min_value=_opt(lo),
        max_value=_opt(hi),
        polarity=polarity,
    )


def text(code: str) -> IndicatorSpec:
    return IndicatorSpec(code, code, IndicatorKind.TEXT)


# ---------------------------------------------------------------- aspects, stages, sets


def aspect(
    code: str,
    *indicators: IndicatorSpec,
    combine: AspectCombine = AspectCombine.SUM,
    max_score: Number = 100,
    weight: Number | None = None,
    counts: bool = True,
) -> AspectSpec:
    return AspectSpec(
        code,
        code,
        combine,
        d(max_score),
        weight=_opt(weight),
        counts_toward_total=counts,
        indicators=indicators,
    )


def single(
    code: str,
    *,
    lo: Number = 0,
    hi: Number = 100,
    weight: Number | None = None,
    counts: bool = True,
    by: EnteredBy = EnteredBy.TEAM,
) -> AspectSpec:
    """An aspect scored as one number: one `score` indicator of the same code."""
    return aspect(
        code, score(code, lo=lo, hi=hi, by=by), max_score=hi, weight=weight, counts=counts
    )


def stage(
    code: str,
    *aspects: AspectSpec,
    member_combine: MemberCombine = MemberCombine.MEAN_OF_MEMBER_TOTALS,
    aspect_combine: AspectCombine = AspectCombine.WEIGHTED_SUM,
    max_score: Number = 100,
    weight: Number | None = None,
    shortlist: int | None = None,
    name: str = "",
) -> StageSpec:
    return StageSpec(
        code,
        name or code,
        member_combine,
        aspect_combine,
        d(max_score),
        weight=_opt(weight),
        shortlist_size=shortlist,
        aspects=aspects,
    )


def band(
    label: str,
    lower: Number | None,
    upper: Number | None,
    *,
    lower_inclusive: bool = True,
    upper_inclusive: bool = True,
) -> BandSpec:
    return BandSpec(label, _opt(lower), lower_inclusive, _opt(upper), upper_inclusive)


def participants(*names: str, disqualified: Mapping[str, str] | None = None) -> tuple:
    disqualified = disqualified or {}
    return tuple(
        Participant(
            slug(name),
            name,
            disqualified=name in disqualified,
            disqualification_reason=disqualified.get(name, ""),
        )
        for name in names
    )


def texts(messages) -> list[str]:
    """The Indonesian text of each warning or note."""
    return [message.text for message in messages]


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


# ---------------------------------------------------------------- entries


def sheet(
    stage_code: str,
    kecamatan: str,
    assessor: str | None,
    values: Mapping[str, Number | str | None],
) -> list[Entry]:
    """Entries from {"ASPECT/INDICATOR": value} or {"ASPECT/INDICATOR:part": value}; a str
    value that is not a number is an option code; None leaves the cell empty."""
    entries = []
    for cell, value in values.items():
        path, _, part = cell.partition(":")
        aspect_code, _, indicator_code = path.partition("/")
        indicator_code = indicator_code or aspect_code
        number: Decimal | None = None
        option: str | None = None
        if isinstance(value, str) and not _is_number(value):
            option = value
        elif value is not None:
            number = d(value)
        entries.append(
            Entry(
                stage_code,
                slug(kecamatan),
                aspect_code,
                indicator_code,
                assessor,
                part=part,
                value=number,
                option_code=option,
            )
        )
    return entries


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def fill(
    spec: StageSpec,
    kecamatan: str,
    assessor: str | None,
    per_aspect: Mapping[str, Number],
    *,
    skip: Iterable[str] = (),
) -> list[Entry]:
    """Every scored indicator of each named aspect gets the same value (skip "A/I" cells)."""
    values: dict[str, Number | str | None] = {}
    for aspect_spec in spec.aspects:
        if aspect_spec.code not in per_aspect:
            continue
        for indicator in aspect_spec.indicators:
            cell = f"{aspect_spec.code}/{indicator.code}"
            if indicator.scored and cell not in skip:
                values[cell] = per_aspect[aspect_spec.code]
    return sheet(spec.code, kecamatan, assessor, values)


# ---------------------------------------------------------------- the four regions

BEKASI_CRITERIA = {  # Kep. Wali Kota Bekasi 067/Kep.294-Tapem/VIII/2022 Lampiran I III.C.2.b
    "PELAYANAN": 35,
    "KOORDINASI": 30,
    "INOVASI": 20,
    "SDM": 5,
    "ANGGARAN": 5,
    "DATA": 5,
}
BEKASI_AWARDS = ("Peringkat I", "Peringkat II", "Peringkat III")
BEKASI_AWARDS += ("Harapan I", "Harapan II", "Harapan III")


def bekasi() -> InstrumentSpec:
    """One stage by the Tim Penilai: six criteria 0-100 weighted 35/30/20/5/5/5, a member's
    total the weighted sum, the kecamatan's score the mean of the members; the indikator
    penunjang scored by the Tim only breaks ties."""
    criteria = [single(code, weight=weight) for code, weight in BEKASI_CRITERIA.items()]
    penunjang = single("PENUNJANG", counts=False)
    return InstrumentSpec(
        "Sinergitas Kinerja Kecamatan Kota Bekasi 2022",
        FinalCombine.SINGLE_STAGE,
        (stage("PENILAIAN", *criteria, penunjang, name="Penilaian Tim Penilai"),),
        tie_breaks=(TieBreakSpec("PENILAIAN", "PENUNJANG", label="indikator penunjang"),),
        awards=tuple(  # Lampiran I IV.2
            AwardSpec(rank, label) for rank, label in enumerate(BEKASI_AWARDS, start=1)
        ),
    )


BANGGAI_ASPECTS = "abcdefghij"  # Perbup Banggai 49/2022 Pasal 9 ayat (2) huruf a-j


def banggai() -> InstrumentSpec:
    mandiri = stage(
        "T1",
        *(single(f"M{letter}", hi=10) for letter in BANGGAI_ASPECTS),
        aspect_combine=AspectCombine.SUM,
        name="Penilaian mandiri",
    )
    objektif = stage(
        "T2",
        single("KO", hi=50),
        aspect("IK", *(score(letter, hi=5) for letter in BANGGAI_ASPECTS), max_score=50),
        member_combine=MemberCombine.SUM_OF_ASPECT_MEANS,
        aspect_combine=AspectCombine.SUM,
        name="Kondisi objektif",
    )
    paparan = stage(
        "T3",
        *(single(f"A{n}") for n in range(1, 6)),
        aspect_combine=AspectCombine.MEAN,
        name="Pemaparan dan wawancara",
    )
    return InstrumentSpec(
        "Evaluasi Kinerja Kecamatan Terpadu Kabupaten Banggai",
        FinalCombine.MEAN_OF_STAGES,
        (mandiri, objektif, paparan),
        predicate_rounding=PredicateRounding.HALF_UP_INTEGER,
        bands=(  # Pasal 19
            band("Kurang Sekali", None, 30),
            band("Kurang", 31, 60),
            band("Cukup", 61, 75),
            band("Baik", 76, 85),
            band("Baik Sekali", 86, 100),
        ),
        awards=tuple(  # Pasal 23
            AwardSpec(rank, f"Terbaik {numeral}")
            for rank, numeral in enumerate(["I", "II", "III", "IV"], start=1)
        ),
        award_for_others="Piagam Penghargaan",
    )


PEKALONGAN_K1 = {  # Lampiran Kisi-kisi; Penanganan Pengaduan prints its option scores
    "SOP": {"a": 100, "b": 50, "c": 0},  # evenly spaced (assumed)
    "PENGADUAN1": {"a": 100, "b": 50, "c": 0},
    "PENGADUAN2": {"a": 100, "b": 0},
    "PENGADUAN3": {"a": 100, "b": 75, "c": 50, "d": 10},
}
PEKALONGAN_K2 = {"A1": 30, "A2": 25, "A3": 25, "A4": 20}  # maxima (A1 printed, rest assumed)


def pekalongan() -> InstrumentSpec:
    k1 = aspect(
        "K1",
        *(choice(code, options) for code, options in PEKALONGAN_K1.items()),
        combine=AspectCombine.MEAN,
        weight=50,
    )
    k2 = aspect(
        "K2",
        *(score(code, hi=top, integer_only=True) for code, top in PEKALONGAN_K2.items()),
        combine=AspectCombine.SUM,
        weight=50,
    )
    desk = stage("DESK", k1, k2, weight=50, shortlist=5, name="Desk evaluasi")
    panel = stage(
        "PANEL",
        single("P1"),
        single("P2"),
        aspect_combine=AspectCombine.MEAN,
        weight=50,
        name="Paparan tim panel",
    )
    return InstrumentSpec(
        "Kompetisi Kinerja dan Inovasi Pelayanan Kecamatan Kabupaten Pekalongan 2017",
        FinalCombine.WEIGHTED_STAGES,
        (desk, panel),
        tie_breaks=(TieBreakSpec("DESK", "K2", "A1", label="bagian A1"),),
        # Digest: desk → top 5 → panel → ranks 1–5 → awards (every one of the five besar).
        awards=tuple(AwardSpec(rank, f"Peringkat {rank}") for rank in range(1, 6)),
    )


TEGAL_NOTE = (
    "Perbup Tegal 30/2016: Lampiran II mencetak bobot Sinergitas 35% (jumlah 105%) dan rumus "
    "keuangan (A+B) x 20% di bawah judul 25%; set ini memakai bobot Lampiran I 25/30/45."
)


def tegal(*, sinergitas_weight: Number = 30) -> InstrumentSpec:
    keuangan = aspect(
        "KEU",
        pair("REALISASI", {"fisik": 50, "keuangan": 50}),
        weight=25,
    )
    sinergitas = aspect(
        "SIN",
        count("PEMERINTAH", weight=40),
        count("NONPEMERINTAH", weight=60),
        combine=AspectCombine.WEIGHTED_SUM,
        weight=sinergitas_weight,
    )
    inovasi = aspect(
        "INO",
        score("A", hi=40),
        score("B", hi=20),
        score("C", hi=30),
        score("D", hi=10),
        text("URAIAN"),
        weight=45,
    )
    return InstrumentSpec(
        "Penilaian Kinerja SKPD Kecamatan Kabupaten Tegal",
        FinalCombine.SINGLE_STAGE,
        (stage("PENILAIAN", keuangan, sinergitas, inovasi, name="Penilaian kinerja"),),
        bands=(  # Pasal 8, decision: exactly 40 is sangat lemah
            band("sangat kuat", 85, None, lower_inclusive=False),
            band("kuat", 75, 85, lower_inclusive=False),
            band("sedang", 55, 75, lower_inclusive=False),
            band("lemah", 40, 55, lower_inclusive=False),
            band("sangat lemah", None, 40),
        ),
        warnings=(TEGAL_NOTE,),
    )
