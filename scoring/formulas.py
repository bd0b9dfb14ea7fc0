"""The regulations' arithmetic, one small function per rule.

Each function cites, once, the rule it implements, so a reader holding a regulation can find
its formula here. Functions take and return exact `Decimal`s and never round: division
happens in the caller's decimal context (`scoring.engine.compute_ranking` runs everything in
`CONTEXT`), and rounding lives in `scoring.rounding` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal
from operator import mul

from scoring.rules import AspectCombine, FinalCombine, Polarity

# 40 significant digits: every input has at most 4 decimals, so sums and weighted sums are
# exact and a mean carries its division error ~35 places below the published two decimals.
CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)

ZERO = Decimal(0)
HUNDRED = Decimal(100)


# ---------------------------------------------------------------- one indicator


def option_score(options: Mapping[str, Decimal], code: str) -> Decimal:
    """The score of the chosen option; `ValueError` for a code the indicator does not offer."""
    # Panduan Pekalongan 2017, Lampiran Kisi-kisi: each lettered answer carries a score
    # (Penanganan Pengaduan prints a) 100, b) 50, c) 0).
    try:
        return options[code]
    except KeyError:
        raise ValueError(f"pilihan {code!r} tidak ada pada indikator") from None


def percentage_pair(parts: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ part value × part weight / 100 over (value, weight %) pairs."""
    # Perbup Tegal 30/2016 Lampiran II A: A = realisasi fisik % × 50%,
    # B = realisasi keuangan % × 50%, nilai kinerja keuangan = A + B.
    return sum((value * weight for value, weight in parts), ZERO) / HUNDRED


def percentage_pair_over_years(parts: Iterable[tuple[Sequence[Decimal], Decimal]]) -> Decimal:
    """Σ mean(part's yearly values) × part weight / 100 over (yearly values, weight %)."""
    # Perbup Tegal 30/2016 Lampiran I C: "basis data yang digunakan adalah 2 (dua) tahun
    # terakhir"; Lampiran II A: A = realisasi fisik % × 50%, B = realisasi keuangan % × 50%.
    # Digest decision: each part is the mean of its years, A = mean(fisik) × 50%,
    # B = mean(keuangan) × 50%, nilai kinerja keuangan = A + B.
    return percentage_pair((mean(values), weight) for values, weight in parts)


def capaian(target: Decimal, realisasi: Decimal, polarity: Polarity) -> Decimal:
    """Capaian kinerja in %; the caller handles target 0 (no capaian can be computed)."""
    # LKjIP Kecamatan Bangsalsari 2021 Bab III A: higher is better, realisasi / target × 100;
    # lower is better, (target − (realisasi − target)) / target × 100.
    if polarity == Polarity.LOWER_IS_BETTER:
        return (target - (realisasi - target)) / target * HUNDRED
    return realisasi / target * HUNDRED


def capped(value: Decimal, lowest: Decimal | None, highest: Decimal | None) -> Decimal:
    """`value` brought into [lowest, highest]; an open bound caps nothing."""
    # Product rule, not a regulation's: an indicator's score stays within the range its set
    # gives it, so a capaian of 120% on an indicator scored 0–100 earns 100 and a negative
    # capaian earns the minimum. Bangsalsari's scale reads ">100 Sangat Baik": a set that wants
    # capaian above 100 to count gives the indicator a higher maximum.
    if highest is not None and value > highest:
        return highest
    if lowest is not None and value < lowest:
        return lowest
    return value


def count_normalised(count: Decimal, highest: Decimal, max_score: Decimal) -> Decimal:
    """A count scored against the highest count among participants (highest = max_score);
    everyone scores 0 when the highest count is 0."""
    # Perbup Tegal 30/2016 Lampiran II B, decision in the digest: the number of programs with
    # partners, scored against the participant with the most (highest = 100).
    if highest == ZERO:
        return ZERO
    return count / highest * max_score


# ---------------------------------------------------------------- indicators → aspect,
# aspects → member total


def weighted_sum(scores: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
    """Σ score × weight / 100, weights in %."""
    # Kep. Wali Kota Bekasi 067/Kep.294-Tapem/VIII/2022 Lampiran I III.C.2.b (35/30/20/5/5/5);
    # Perbup Tegal 30/2016 Lampiran I C (Keuangan 25, Sinergitas 30, Inovasi 45);
    # Panduan Pekalongan 2017 (decision): desk = 50% komponen 1 + 50% komponen 2.
    if len(scores) != len(weights):
        raise ValueError("jumlah nilai dan bobot berbeda")
    return sum(map(mul, scores, weights), ZERO) / HUNDRED


def total(scores: Sequence[Decimal]) -> Decimal:
    """Σ score."""
    # Panduan Pekalongan 2017 (decision): komponen 2 = A1 + A2 + A3 + A4;
    # Perbup Banggai 49/2022 stage 1 (decision): ten aspects 0–10 summed to 0–100.
    return sum(scores, ZERO)


def mean(scores: Sequence[Decimal]) -> Decimal:
    """Σ score / number of scores; `ValueError` on an empty sequence."""
    # Perbup Banggai 49/2022 Lampiran II: ΣP = (A1 + A2 + A3 + A4 + A5) / JAP.
    if not scores:
        raise ValueError("rata-rata dari nol nilai")
    return sum(scores, ZERO) / len(scores)


def combine(
    method: AspectCombine,
    scores: Sequence[Decimal],
    weights: Sequence[Decimal | None] = (),
) -> Decimal:
    """Indicators into an aspect score, or aspects into a member's total, by `method`."""
    if method == AspectCombine.WEIGHTED_SUM:
        return weighted_sum(scores, weights)  # type: ignore[arg-type]
    if method == AspectCombine.SUM:
        return total(scores)
    return mean(scores)


def aspect_from_sums(
    method: AspectCombine,
    totals: Sequence[Decimal],
    weights: Sequence[Decimal | None],
    count: int,
) -> Decimal:
    """An aspect from its scores added up beforehand, in groups of equal weight: `totals[k]`
    is the sum of the scores of the indicators weighted `weights[k]`, `count` scores in all.

    `combine` on the same scores one by one, exactly: a weighted sum is Σ total × weight / 100
    (the scores of equal weight factored together), a sum Σ total, a mean Σ total / count.
    """
    # The rules are those of `weighted_sum`, `total` and `mean` above.
    if method == AspectCombine.WEIGHTED_SUM:
        return weighted_sum(totals, weights)  # type: ignore[arg-type]
    if method == AspectCombine.SUM:
        return total(totals)
    if count <= 0:
        raise ValueError("rata-rata dari nol nilai")
    return total(totals) / count


# ---------------------------------------------------------------- members → stage


def mean_of_member_totals(totals: Sequence[Decimal]) -> Decimal:
    """The stage score: the mean of the totals of the members who scored completely."""
    # Perbup Banggai 49/2022 Lampiran II: Bn = (ΣP1 + ΣP2 + … + ΣPn) / JA; the same rule is
    # the digest's decision for Bekasi, Tegal and Pekalongan (desk and panel).
    return mean(totals)


def sum_of_aspect_means(
    method: AspectCombine,
    aspect_means: Sequence[Decimal],
    weights: Sequence[Decimal | None] = (),
) -> Decimal:
    """The stage score: each aspect's mean over members, then combined by `method`."""
    # Perbup Banggai 49/2022 Lampiran I: ΣKo = (V1 + … + Vn) / JA, ΣIk = (V1 + … + Vn) / JA,
    # Bn = ΣKo + ΣIk (the printed "Σadm + ΣVak" read as ΣKo + ΣIk).
    return combine(method, aspect_means, weights)


# ---------------------------------------------------------------- stages → final


def final_score(
    method: FinalCombine,
    stage_scores: Sequence[Decimal],
    weights: Sequence[Decimal | None] = (),
) -> Decimal:
    """The final score from the stage scores, in stage order."""
    if method == FinalCombine.MEAN_OF_STAGES:
        # Perbup Banggai 49/2022 Lampiran III: Na = (ΣT1 + ΣT2 + ΣT3) / JTK.
        return mean(stage_scores)
    if method == FinalCombine.WEIGHTED_STAGES:
        # Panduan Pekalongan 2017 (decision): final = 50% desk + 50% panel.
        return weighted_sum(stage_scores, weights)  # type: ignore[arg-type]
    # A single-stage set (Bekasi, Tegal): the final score is the last stage's score.
    return stage_scores[-1]
