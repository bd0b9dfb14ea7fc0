"""Each level's formula in words, as Tapem reads it next to the regulation."""

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from instruments.models import Aspect, Indicator, InstrumentSet, Stage
from regions import formatting
from regions.formatting import number, percent
from scoring.rules import AspectCombine, FinalCombine, IndicatorKind, MemberCombine


def _num(value: Decimal | int) -> str:
    return number(value)


def _weight(value: object) -> str:
    """A weight in %, or as written when a set still being edited holds something else."""
    try:
        return percent(value)  # type: ignore[arg-type]
    except ValueError:
        return f"{value}%"


def final_formula(instrument_set: InstrumentSet) -> str:
    stages = list(instrument_set.stages.all())
    if instrument_set.final_combine == FinalCombine.SINGLE_STAGE:
        return _("Nilai akhir = nilai tahap %(code)s") % {
            "code": stages[-1].code if stages else "?"
        }
    if instrument_set.final_combine == FinalCombine.MEAN_OF_STAGES:
        return _("Nilai akhir = (%(terms)s) / %(n)s") % {
            "terms": " + ".join(s.code for s in stages),
            "n": len(stages),
        }
    return _("Nilai akhir = %(terms)s") % {
        "terms": " + ".join(f"{s.code} × {_weight(s.weight or 0)}" for s in stages)
    }


def combine_formula(combine: str, items: list, label: Callable[[Aspect | Indicator], str]) -> str:
    if combine == AspectCombine.WEIGHTED_SUM:
        return " + ".join(f"{label(i)} × {_weight(i.weight or 0)}" for i in items)
    if combine == AspectCombine.SUM:
        return " + ".join(label(i) for i in items)
    return "(" + " + ".join(label(i) for i in items) + f") / {len(items)}"


def stage_formula(stage: Stage) -> str:
    aspects = [a for a in stage.aspects.all() if a.counts_toward_total]
    combined = combine_formula(stage.aspect_combine, aspects, lambda a: a.code)
    if stage.member_combine == MemberCombine.SUM_OF_ASPECT_MEANS:
        return _("Setiap aspek dirata-rata atas anggota tim, lalu nilai tahap = %(formula)s") % {
            "formula": combined
        }
    return _("Total anggota = %(formula)s; nilai tahap = rata-rata total anggota") % {
        "formula": combined
    }


def member_total_formula(stage: Stage) -> str:
    """How one member's aspect scores combine (or, for a stage that averages each aspect
    over the team first, how the aspect means combine into the stage score)."""
    aspects = [a for a in stage.aspects.all() if a.counts_toward_total]
    combined = combine_formula(stage.aspect_combine, aspects, lambda a: a.code)
    if stage.member_combine == MemberCombine.SUM_OF_ASPECT_MEANS:
        return _("Nilai tahap = %(formula)s") % {"formula": combined}
    return _("Total anggota = %(formula)s") % {"formula": combined}


def members_formula(stage: Stage) -> str:
    """How the members of the stage's team combine, in the regulations' notation."""
    if stage.member_combine == MemberCombine.SUM_OF_ASPECT_MEANS:
        return _(
            "Setiap aspek = (V1 + V2 + … + Vn) / JA, V = nilai aspek dari tiap anggota, "
            "JA = jumlah anggota yang menilai"
        )
    return _(
        "Nilai tahap = (P1 + P2 + … + Pn) / JA, P = total tiap anggota, "
        "JA = jumlah anggota yang menilai"
    )


def aspect_formula(aspect: Aspect) -> str:
    scored = [i for i in aspect.indicators.all() if i.scored]
    return combine_formula(aspect.indicator_combine, scored, lambda i: i.code)


def indicator_formula(indicator: Indicator) -> str:
    params = indicator.params or {}
    kind = indicator.kind
    labels = params.get("labels") if isinstance(params.get("labels"), dict) else {}
    if kind == IndicatorKind.PERCENTAGE_PAIR:
        parts = params.get("parts", {})
        years = params.get("years", 1)
        if isinstance(years, int) and years > 1:
            return " + ".join(
                _("rata-rata %(years)s tahun %(part)s %% × %(weight)s")
                % {"years": years, "part": labels.get(name, name), "weight": _weight(weight)}
                for name, weight in parts.items()
            )
        return " + ".join(
            f"{labels.get(name, name)} % × {_weight(weight)}" for name, weight in parts.items()
        )
    if kind == IndicatorKind.CAPAIAN:
        if params.get("polarity") == "lower_is_better":
            formula = _("(target − (realisasi − target)) / target × 100")
        else:
            formula = _("realisasi / target × 100")
        if indicator.informational:
            formula += "; " + _("hanya informasi, tanpa skor")
        return formula
    if kind == IndicatorKind.COUNT_NORMALISED:
        formula = _("jumlah / jumlah tertinggi antarpeserta × %(max)s") % {
            "max": _num(indicator.max_value or 100)
        }
        recorded = params.get("recorded")
        if isinstance(recorded, list) and recorded:
            formula += "; " + _("dicatat tanpa dinilai: %(parts)s") % {
                "parts": ", ".join(str(labels.get(name, name)) for name in recorded)
            }
        return formula
    if kind in (IndicatorKind.CHOICE, IndicatorKind.YES_NO):
        return _("skor pilihan yang dipilih")
    if kind == IndicatorKind.TEXT:
        return _("uraian, tanpa skor")
    if kind == IndicatorKind.FILE:
        return _("berkas, tanpa skor")
    rng = f"{_num(indicator.min_value or 0)}–{_num(indicator.max_value or 0)}"
    if indicator.integer_only:
        return _("nilai bulat %(range)s") % {"range": rng}
    return _("nilai %(range)s") % {"range": rng}


def capaian_scale(indicator: Indicator) -> list[tuple[str, str]]:
    """The capaian scale of the set (`params["scale"]`) in print, as (range, label):
    ("> 100", "Sangat Baik"), ("76 – 100", "Baik"); [] when the indicator has none."""
    return scale_in_print((indicator.params or {}).get("scale"))


def scale_in_print(scale: object) -> list[tuple[str, str]]:
    """A capaian scale (a list of bands with "label", "lower", "upper" and their
    "…_inclusive", true unless said otherwise) as (range, label) pairs."""
    if not isinstance(scale, list):
        return []
    return [
        (
            formatting.band(
                band.get("lower"),
                band.get("lower_inclusive", True),
                band.get("upper"),
                band.get("upper_inclusive", True),
            ),
            str(band.get("label", "")),
        )
        for band in scale
        if isinstance(band, dict)
    ]
