"""Writes on instrument sets: import/export as plain data, clone, freeze.

The plain-data form (a dict, the shape of `fixtures/<region>/instrument_set.json`) is the
one interchange format: fixtures, the xlsx workbook and clones all pass through it.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from evaluations.models import Region
from instruments.models import (
    Aspect,
    AwardTier,
    Indicator,
    InstrumentSet,
    Option,
    PredicateBand,
    Stage,
    TieBreakRule,
)
from instruments.selectors import instrument_set_tree
from instruments.validation import validate_instrument_set


class InstrumentImportError(Exception):
    """The data cannot become an instrument set; `messages` says why, one line each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class FrozenInstrumentSetError(Exception):
    pass


SET_FIELDS = (
    "code",
    "version",
    "name",
    "legal_number",
    "legal_date",
    "legal_title",
    "description",
    "assumption",
    "regulation_conflict",
    "final_combine",
    "predicate_name",
    "predicate_rounding",
    "award_for_others",
)
STAGE_FIELDS = (
    "order",
    "code",
    "name",
    "scorer_label",
    "member_combine",
    "aspect_combine",
    "weight",
    "max_score",
    "shortlist_size",
    "disqualify_if_incomplete",
    "min_team_size",
    "deadline_note",
    "assumption",
)
ASPECT_FIELDS = (
    "order",
    "code",
    "name",
    "weight",
    "max_score",
    "indicator_combine",
    "counts_toward_total",
    "assumption",
)
INDICATOR_FIELDS = (
    "order",
    "code",
    "group",
    "text",
    "guidance",
    "help_text",
    "kind",
    "entered_by",
    "min_value",
    "max_value",
    "integer_only",
    "weight",
    "evidence_required",
    "evidence_note",
    "params",
    "assumption",
)
OPTION_FIELDS = ("order", "code", "label", "score", "assumption")
BAND_FIELDS = (
    "order",
    "label",
    "lower",
    "lower_inclusive",
    "upper",
    "upper_inclusive",
    "consequence",
    "assumption",
)
TIE_BREAK_FIELDS = (
    "order",
    "stage",
    "aspect",
    "indicator",
    "higher_wins",
    "description",
    "assumption",
)
AWARD_FIELDS = ("rank", "label", "prizes", "assumption")


# ------------------------------------------------------------------------------ export


def instrument_set_to_data(instrument_set: InstrumentSet) -> dict[str, Any]:
    """The whole set as plain data (decimals as strings), the inverse of the import."""
    tree = instrument_set_tree(pk=instrument_set.pk)
    data = _row(tree, SET_FIELDS)
    data["stages"] = []
    for stage in tree.stages.all():
        stage_data = _row(stage, STAGE_FIELDS)
        stage_data["aspects"] = []
        for aspect in stage.aspects.all():
            aspect_data = _row(aspect, ASPECT_FIELDS)
            aspect_data["indicators"] = []
            for indicator in aspect.indicators.all():
                indicator_data = _row(indicator, INDICATOR_FIELDS)
                indicator_data["options"] = [
                    _row(option, OPTION_FIELDS) for option in indicator.options.all()
                ]
                aspect_data["indicators"].append(indicator_data)
            stage_data["aspects"].append(aspect_data)
        data["stages"].append(stage_data)
    data["predicate_bands"] = [_row(band, BAND_FIELDS) for band in tree.predicate_bands.all()]
    data["tie_break_rules"] = [
        {
            "order": rule.order,
            "stage": rule.stage.code,
            "aspect": rule.aspect.code,
            "indicator": rule.indicator.code if rule.indicator_id else None,
            "higher_wins": rule.higher_wins,
            "description": rule.description,
            "assumption": rule.assumption,
        }
        for rule in tree.tie_break_rules.all()
    ]
    data["award_tiers"] = [_row(tier, AWARD_FIELDS) for tier in tree.award_tiers.all()]
    return data


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    row = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, Decimal):
            value = _decimal_text(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        row[name] = value
    return row


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# ------------------------------------------------------------------------------ import


@transaction.atomic
def instrument_set_import_data(
    *, region: Region, data: dict[str, Any], replace_draft: bool = False
) -> InstrumentSet:
    """Create a set from plain data; all or nothing.

    Raises InstrumentImportError listing every problem (structure, numbers, validation
    errors). With `replace_draft`, an existing draft with the same code and version is
    replaced; a frozen one never is.
    """
    reader = _Reader()
    set_values = reader.fields(data, SET_FIELDS, _("Set instrumen"), InstrumentSet)
    reader.raise_if_errors()

    existing = InstrumentSet.objects.filter(
        region=region, code=set_values["code"], version=set_values["version"]
    ).first()
    if existing is not None:
        if existing.is_frozen or not replace_draft:
            raise InstrumentImportError(
                [
                    _(
                        "Set %(code)s versi %(version)s sudah ada; buat versi baru untuk "
                        "mengubahnya."
                    )
                    % {"code": existing.code, "version": existing.version}
                ]
            )
        _delete_set(existing)

    instrument_set = InstrumentSet.objects.create(region=region, **set_values)
    stages_by_code: dict[str, Stage] = {}
    aspects_by_key: dict[tuple[str, str], Aspect] = {}
    indicators_by_key: dict[tuple[str, str, str], Indicator] = {}

    for s_index, stage_data in enumerate(reader.items(data, "stages"), start=1):
        where = _("Tahap ke-%(n)s") % {"n": s_index}
        values = reader.fields(stage_data, STAGE_FIELDS, where, Stage)
        if reader.errors:
            continue
        stage = Stage.objects.create(instrument_set=instrument_set, **values)
        stages_by_code[stage.code] = stage
        for a_index, aspect_data in enumerate(reader.items(stage_data, "aspects"), start=1):
            where_a = f"{where} ({stage.code}) · " + _("aspek ke-%(n)s") % {"n": a_index}
            values = reader.fields(aspect_data, ASPECT_FIELDS, where_a, Aspect)
            if reader.errors:
                continue
            aspect = Aspect.objects.create(stage=stage, **values)
            aspects_by_key[(stage.code, aspect.code)] = aspect
            for i_index, indicator_data in enumerate(
                reader.items(aspect_data, "indicators"), start=1
            ):
                where_i = f"{where_a} ({aspect.code}) · " + _("indikator ke-%(n)s") % {"n": i_index}
                values = reader.fields(indicator_data, INDICATOR_FIELDS, where_i, Indicator)
                if reader.errors:
                    continue
                indicator = Indicator.objects.create(aspect=aspect, **values)
                indicators_by_key[(stage.code, aspect.code, indicator.code)] = indicator
                options = []
                for o_index, option_data in enumerate(
                    reader.items(indicator_data, "options"), start=1
                ):
                    where_o = f"{where_i} ({indicator.code}) · " + _("pilihan ke-%(n)s") % {
                        "n": o_index
                    }
                    values = reader.fields(option_data, OPTION_FIELDS, where_o, Option)
                    options.append(Option(indicator=indicator, **values))
                if not reader.errors:
                    Option.objects.bulk_create(options)

    for b_index, band_data in enumerate(reader.items(data, "predicate_bands"), start=1):
        values = reader.fields(
            band_data, BAND_FIELDS, _("Predikat ke-%(n)s") % {"n": b_index}, PredicateBand
        )
        if not reader.errors:
            PredicateBand.objects.create(instrument_set=instrument_set, **values)

    for t_index, rule_data in enumerate(reader.items(data, "tie_break_rules"), start=1):
        where = _("Aturan seri ke-%(n)s") % {"n": t_index}
        values = reader.fields(rule_data, TIE_BREAK_FIELDS, where, TieBreakRule)
        if reader.errors:
            continue
        stage_code, aspect_code = values.pop("stage"), values.pop("aspect")
        indicator_code = values.pop("indicator")
        stage = stages_by_code.get(stage_code)
        aspect = aspects_by_key.get((stage_code, aspect_code))
        indicator = (
            indicators_by_key.get((stage_code, aspect_code, indicator_code))
            if indicator_code
            else None
        )
        if stage is None or aspect is None or (indicator_code and indicator is None):
            reader.error(where, _("tahap, aspek atau indikator yang dirujuk tidak ada."))
            continue
        TieBreakRule.objects.create(
            instrument_set=instrument_set, stage=stage, aspect=aspect, indicator=indicator, **values
        )

    for w_index, tier_data in enumerate(reader.items(data, "award_tiers"), start=1):
        values = reader.fields(
            tier_data, AWARD_FIELDS, _("Penghargaan ke-%(n)s") % {"n": w_index}, AwardTier
        )
        if not reader.errors:
            AwardTier.objects.create(instrument_set=instrument_set, **values)

    reader.raise_if_errors()
    findings = validate_instrument_set(instrument_set_tree(pk=instrument_set.pk))
    blocking = [str(finding) for finding in findings if finding.is_error]
    if blocking:
        raise InstrumentImportError(blocking)
    return instrument_set


def _delete_set(instrument_set: InstrumentSet) -> None:
    TieBreakRule.objects.filter(instrument_set=instrument_set).delete()
    instrument_set.delete()


class _Reader:
    """Turns untrusted plain data into model field values, collecting every problem."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InstrumentImportError(self.errors)

    def items(self, data: Any, key: str) -> list[dict]:
        value = data.get(key, []) if isinstance(data, dict) else None
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.error(key, _("harus berupa daftar."))
            return []
        return value

    def fields(self, data: Any, names: tuple[str, ...], where: str, model) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.error(where, _("format tidak dikenal."))
            return {}
        values: dict[str, Any] = {}
        for name in names:
            if name in ("stage", "aspect", "indicator"):
                value = data.get(name)
                if name != "indicator" and not value:
                    self.error(where, _("kolom %(field)s wajib diisi.") % {"field": name})
                values[name] = str(value) if value else None
                continue
            field = model._meta.get_field(name)
            raw = data.get(name, field.get_default() if field.has_default() else None)
            try:
                values[name] = self._convert(field, raw)
            except ValueError as exc:
                self.error(where, f"{field.verbose_name}: {exc}")
        if not self.errors:
            try:
                model(**values).clean_fields(
                    exclude=["instrument_set", "stage", "aspect", "indicator", "region"]
                )
            except Exception as exc:  # ValidationError: keep every message
                for field_name, messages in getattr(exc, "message_dict", {}).items():
                    label = model._meta.get_field(field_name).verbose_name
                    for message in messages:
                        self.error(where, f"{label}: {message}")
        return values

    @staticmethod
    def _convert(field, raw: Any) -> Any:
        internal = field.get_internal_type()
        if raw in (None, "") and field.null:
            return None
        if internal == "DecimalField":
            if isinstance(raw, bool) or raw in (None, ""):
                raise ValueError(_("harus berupa angka."))
            try:
                number = Decimal(str(raw).strip().replace(",", "."))
            except InvalidOperation:
                raise ValueError(_("harus berupa angka.")) from None
            if not number.is_finite():
                raise ValueError(_("harus berupa angka."))
            return number
        if internal in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):
            if isinstance(raw, bool):
                raise ValueError(_("harus berupa bilangan bulat."))
            try:
                number = Decimal(str(raw).strip())
            except InvalidOperation:
                raise ValueError(_("harus berupa bilangan bulat.")) from None
            if number != number.to_integral_value():
                raise ValueError(_("harus berupa bilangan bulat."))
            return int(number)
        if internal == "BooleanField":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "ya", "y"):
                return True
            if text in ("0", "false", "tidak", "t", ""):
                return False
            raise ValueError(_("harus ya atau tidak."))
        if internal == "DateField":
            if isinstance(raw, datetime.datetime):
                return raw.date()
            if isinstance(raw, datetime.date):
                return raw
            try:
                return datetime.date.fromisoformat(str(raw).strip())
            except ValueError:
                raise ValueError(_("harus tanggal berformat TTTT-BB-HH.")) from None
        if internal == "JSONField":
            if raw in (None, ""):
                return {}
            if not isinstance(raw, dict):
                raise ValueError(_("harus berupa objek JSON."))
            return raw
        return "" if raw is None else str(raw).strip()


# ------------------------------------------------------------------------------ versions


@transaction.atomic
def instrument_set_clone(*, instrument_set: InstrumentSet) -> InstrumentSet:
    """A new draft version with the same content, to change for a new period."""
    data = instrument_set_to_data(instrument_set)
    latest = (
        InstrumentSet.objects.filter(region=instrument_set.region, code=instrument_set.code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    data["version"] = latest + 1
    clone = instrument_set_import_data(region=instrument_set.region, data=data)
    clone.previous_version = instrument_set
    clone.save(update_fields=["previous_version"])
    return clone


def instrument_set_freeze(*, instrument_set: InstrumentSet) -> InstrumentSet:
    if not instrument_set.is_frozen:
        instrument_set.status = InstrumentSet.Status.FROZEN
        instrument_set.save(update_fields=["status", "updated_at"])
    return instrument_set


def ensure_editable(instrument_set: InstrumentSet) -> None:
    if instrument_set.is_frozen:
        raise FrozenInstrumentSetError(
            _(
                "Set instrumen ini sudah dibekukan karena dipakai periode yang sudah memiliki "
                "nilai. Buat versi baru untuk mengubahnya."
            )
        )
