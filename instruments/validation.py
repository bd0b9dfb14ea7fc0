"""Checks an instrument set and explains every finding in Indonesian.

Errors block use of the set (scoring would be wrong or impossible); warnings are shown on
the set and on every ranking that uses it (a regulation that contradicts itself, weights
that do not add up to 100).
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from config.uploads import EVIDENCE_TYPES, evidence_type_codes
from instruments.limits import presentation_limit_problems
from instruments.models import Aspect, Indicator, InstrumentSet, Stage
from regions.formatting import number, percent
from scoring.rules import AspectCombine, EnteredBy, IndicatorKind, Polarity

HUNDRED = Decimal("100")
CHOICE_KINDS = {IndicatorKind.CHOICE, IndicatorKind.YES_NO}


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning"
    where: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def validate_instrument_set(instrument_set: InstrumentSet) -> list[Finding]:
    """Every error and warning of the set; expects stages/aspects/indicators prefetched."""
    findings: list[Finding] = []

    def error(where: str, message: str) -> None:
        findings.append(Finding("error", where, message))

    def warning(where: str, message: str) -> None:
        findings.append(Finding("warning", where, message))

    if instrument_set.regulation_conflict.strip():
        warning(_("Regulasi"), instrument_set.regulation_conflict.strip())

    stages = list(instrument_set.stages.all())
    if not stages:
        error("", _("Set instrumen belum memiliki tahap."))
    _duplicates(stages, _("Tahap"), error)

    if instrument_set.final_combine == "weighted_stages":
        _check_weights(
            [s.weight for s in stages], _("Bobot tahap"), instrument_set.name, error, warning
        )

    for stage in stages:
        where_stage = _("Tahap %(code)s") % {"code": stage.code}
        aspects = list(stage.aspects.all())
        if not aspects:
            error(where_stage, _("Tahap tidak memiliki aspek."))
        _duplicates(aspects, where_stage + " · " + _("aspek"), error)
        for problem in presentation_limit_problems(stage.presentation_limits):
            error(where_stage + " · " + _("batas waktu pemaparan"), problem)
        counting = [a for a in aspects if a.counts_toward_total]
        if stage.aspect_combine == AspectCombine.WEIGHTED_SUM:
            _check_weights([a.weight for a in counting], where_stage, stage.name, error, warning)
        for aspect in aspects:
            where_aspect = f"{where_stage} · {aspect.code}"
            indicators = list(aspect.indicators.all())
            scored = [i for i in indicators if i.scored]
            if not scored:
                error(where_aspect, _("Aspek tidak memiliki indikator berskor."))
            _duplicates(indicators, where_aspect + " · " + _("indikator"), error)
            if aspect.indicator_combine == AspectCombine.WEIGHTED_SUM:
                _check_weights(
                    [i.weight for i in scored], where_aspect, aspect.name, error, warning
                )
            for indicator in indicators:
                _check_indicator(indicator, f"{where_aspect} · {indicator.code}", error)

    bands = list(instrument_set.predicate_bands.all())
    for band in bands:
        if band.lower is not None and band.upper is not None and band.lower > band.upper:
            error(
                _("Predikat %(label)s") % {"label": band.label},
                _("Batas bawah lebih besar dari batas atas."),
            )
    ranks = [tier.rank for tier in instrument_set.award_tiers.all()]
    if len(ranks) != len(set(ranks)):
        error(_("Penghargaan"), _("Ada peringkat penghargaan yang ganda."))
    return findings


def _check_indicator(indicator: Indicator, where: str, error: Callable[[str, str], None]) -> None:
    kind = indicator.kind
    low, high = indicator.min_value, indicator.max_value
    if indicator.scored and kind not in CHOICE_KINDS and (low is None or high is None):
        error(where, _("Nilai minimal dan maksimal wajib diisi."))
    _check_submission(indicator, where, error)
    if low is not None and high is not None and low > high:
        error(where, _("Nilai minimal lebih besar dari nilai maksimal."))
    options = list(indicator.options.all())
    if kind in CHOICE_KINDS:
        if len(options) < 2:
            error(where, _("Indikator pilihan membutuhkan sedikitnya dua pilihan."))
        codes = Counter(option.code for option in options)
        for code, count in codes.items():
            if count > 1:
                error(where, _("Kode pilihan %(code)s ganda.") % {"code": code})
        if kind == IndicatorKind.YES_NO and set(codes) != {"ya", "tidak"}:
            error(where, _("Indikator ya/tidak harus memiliki pilihan 'ya' dan 'tidak'."))
        for option in options:
            if (low is not None and option.score < low) or (
                high is not None and option.score > high
            ):
                error(
                    where,
                    _("Skor pilihan %(code)s (%(score)s) di luar rentang indikator.")
                    % {"code": option.code, "score": number(option.score)},
                )
    elif options:
        error(where, _("Hanya indikator pilihan yang boleh memiliki pilihan jawaban."))
    params = indicator.params or {}
    if kind == IndicatorKind.PERCENTAGE_PAIR:
        parts = params.get("parts") or {}
        if len(parts) < 2:
            error(where, _("Pasangan persentase membutuhkan sedikitnya dua bagian berbobot."))
        try:
            total = sum((Decimal(str(w)) for w in parts.values()), Decimal(0))
        except ArithmeticError:
            error(where, _("Bobot bagian harus berupa angka."))
        else:
            if parts and total != HUNDRED:
                error(
                    where,
                    _("Bobot bagian berjumlah %(total)s, bukan 100%%.") % {"total": percent(total)},
                )
    if kind == IndicatorKind.CAPAIAN and params.get("polarity") not in set(Polarity):
        error(where, _("Capaian membutuhkan polaritas (semakin tinggi/rendah semakin baik)."))
    _check_part_params(kind, params, where, error)
    if "scale" in params:
        _check_scale(kind, params["scale"], where, error)


def _check_submission(indicator: Indicator, where: str, error: Callable[[str, str], None]) -> None:
    """What the kecamatan submits: a file-only item and informational figures are the
    kecamatan's; an indicator the kecamatan answers first is the team's and scored; the
    accepted file types are ones evidence may have."""
    kecamatan = indicator.entered_by == EnteredBy.KECAMATAN
    if indicator.kind == IndicatorKind.FILE and not kecamatan:
        error(where, _("Indikator berkas saja harus diisi oleh kecamatan."))
    if indicator.informational and not kecamatan:
        error(where, _("Isian yang hanya informasi harus diisi oleh kecamatan."))
    if indicator.kecamatan_answers and (kecamatan or not indicator.scored):
        error(
            where,
            _("Hanya indikator tim yang dinilai dapat dijawab juga oleh kecamatan."),
        )
    unknown = [t for t in evidence_type_codes(indicator.evidence_types) if t not in EVIDENCE_TYPES]
    if unknown:
        error(
            where,
            _("Jenis berkas %(types)s tidak dikenal; pilih dari %(known)s.")
            % {"types": ", ".join(unknown), "known": ", ".join(EVIDENCE_TYPES)},
        )


def _check_scale(kind: str, scale: object, where: str, error: Callable[[str, str], None]) -> None:
    """ "scale": the bands a capaian is read in (LKjIP 004: > 100 Sangat Baik …), each
    {"label", "lower", "lower_inclusive", "upper", "upper_inclusive"}, bounds optional."""
    if kind != IndicatorKind.CAPAIAN:
        error(where, _("Skala capaian (scale) hanya untuk indikator capaian."))
        return
    problem = _("Skala capaian (scale) harus daftar rentang berlabel dengan batas berupa angka.")
    if not isinstance(scale, list) or not scale:
        error(where, problem)
        return
    for band in scale:
        if not isinstance(band, dict) or not str(band.get("label") or "").strip():
            error(where, problem)
            return
        try:
            bounds = [Decimal(str(band[k])) for k in ("lower", "upper") if band.get(k) is not None]
        except ArithmeticError:
            error(where, problem)
            return
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            error(
                where,
                _("Skala capaian %(label)s: batas bawah lebih besar dari batas atas.")
                % {"label": band["label"]},
            )


def _check_part_params(
    kind: str, params: dict, where: str, error: Callable[[str, str], None]
) -> None:
    """ "years" (percentage pair), "recorded" (count) and "labels" (any multi-part kind)."""
    if "years" in params:
        years = params["years"]
        if kind != IndicatorKind.PERCENTAGE_PAIR:
            error(where, _("Isian per tahun (years) hanya untuk pasangan persentase."))
        elif isinstance(years, bool) or not isinstance(years, int) or years < 1:
            error(where, _("Jumlah tahun (years) harus bilangan bulat minimal 1."))
    if "recorded" in params:
        recorded = params["recorded"]
        if kind != IndicatorKind.COUNT_NORMALISED:
            error(
                where,
                _("Bagian yang hanya dicatat (recorded) hanya untuk jumlah yang dibandingkan."),
            )
        elif (
            not isinstance(recorded, list)
            or not all(isinstance(name, str) and name.strip() for name in recorded)
            or len(set(recorded)) != len(recorded)
        ):
            error(where, _("Bagian yang hanya dicatat (recorded) harus daftar nama yang berbeda."))
    labels = params.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        error(where, _("Label bagian (labels) harus berupa objek nama → teks."))


def _check_weights(
    weights: Sequence[Decimal | None],
    where: str,
    name: str,
    error: Callable[[str, str], None],
    warning: Callable[[str, str], None],
) -> None:
    if any(weight is None for weight in weights):
        error(where, _("Setiap bagian yang dijumlahkan berbobot harus memiliki bobot."))
        return
    total = sum(weights, Decimal(0))
    if weights and total != HUNDRED:
        warning(
            where,
            _("Bobot %(name)s berjumlah %(total)s, bukan 100%%.")
            % {"name": name, "total": percent(total)},
        )


def _duplicates(
    items: Iterable[Stage | Aspect | Indicator], where: str, error: Callable[[str, str], None]
) -> None:
    for code, count in Counter(item.code for item in items).items():
        if count > 1:
            error(where, _("Kode %(code)s dipakai lebih dari sekali.") % {"code": code})
