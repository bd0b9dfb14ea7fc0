"""Writes on instrument sets: import/export as plain data, clone, freeze.

The plain-data form (a dict, the shape of `fixtures/<region>/instrument_set.json`) is the
one interchange format: fixtures, the xlsx workbook and clones all pass through it.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from instruments import selectors, workbook
from instruments.fields import (
    ASPECT_FIELDS,
    AWARD_FIELDS,
    BAND_FIELDS,
    INDICATOR_FIELDS,
    OPTION_FIELDS,
    SET_EDITABLE_FIELDS,
    SET_FIELDS,
    STAGE_FIELDS,
    TIE_BREAK_FIELDS,
)
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
from regions.models import Region
from regions.transitions import StateMachine, TransitionRefused, transition_apply


class InstrumentImportError(Exception):
    """The data cannot become an instrument set; `messages` says why, one line each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class FrozenInstrumentSetError(Exception):
    pass


class PartInUseError(Exception):
    """A part that a period's teams or sheets still point at; nothing was deleted."""


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
            "reference": rule.reference,
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

# Where each item of the plain data came from, keyed by its path in the data: () is the
# set, ("stages", 0, "aspects", 1) the second aspect of the first stage. The workbook
# import maps each path to its row ("aspek baris 7") so every message names what to fix.
Sources = Mapping[tuple[str | int, ...], str]

TIE_BREAK_REFERENCES = {
    "stage": _lazy("tahap"),
    "aspect": _lazy("aspek"),
    "indicator": _lazy("indikator"),
}
_PARENT_FIELDS = ["instrument_set", "stage", "aspect", "indicator", "region", "previous_version"]


@dataclass
class _Node:
    """One parsed item: its field values and, for stages/aspects/indicators, its children."""

    values: dict[str, Any]
    children: list["_Node"] = dataclass_field(default_factory=list)


@dataclass
class _ParsedSet:
    values: dict[str, Any]
    stages: list[_Node]
    bands: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    tiers: list[dict[str, Any]]


@transaction.atomic
def instrument_set_import_data(
    *,
    region: Region,
    data: dict[str, Any],
    replace_draft: bool = False,
    sources: Sources | None = None,
) -> InstrumentSet:
    """Create a set from plain data; all or nothing.

    Raises InstrumentImportError listing every problem: every item with a missing or
    malformed value, a duplicated code or a reference to nothing is reported, then the
    findings of `validate_instrument_set` that block use. `sources` names where each item
    came from (see `Sources`). With `replace_draft`, an existing draft with the same code
    and version is replaced; a frozen one never is.
    """
    parsed = _parse(data, sources or {})

    existing = InstrumentSet.objects.filter(
        region=region, code=parsed.values["code"], version=parsed.values["version"]
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

    try:
        with transaction.atomic():
            instrument_set = _create(region, parsed)
    except IntegrityError:
        # Another upload or clone stored the same code and version a moment ago.
        raise InstrumentImportError(
            [
                _(
                    "Set %(code)s versi %(version)s baru saja dibuat oleh pengguna lain; "
                    "muat ulang halaman lalu coba lagi."
                )
                % {"code": parsed.values["code"], "version": parsed.values["version"]}
            ]
        ) from None
    findings = validate_instrument_set(instrument_set_tree(pk=instrument_set.pk))
    blocking = [str(finding) for finding in findings if finding.is_error]
    if blocking:
        raise InstrumentImportError(blocking)
    return instrument_set


def _parse(data: Any, sources: Sources) -> _ParsedSet:
    """Every value checked and converted before anything is written; raises on any problem."""
    if not isinstance(data, dict):
        raise InstrumentImportError([_("Data set instrumen tidak dikenal.")])
    reader = _Reader(sources)
    set_values = reader.fields(data, (), _("Set instrumen"), SET_FIELDS, InstrumentSet)

    stages: list[_Node] = []
    stage_codes: set[str] = set()
    aspect_keys: set[tuple[str, str]] = set()
    indicator_keys: set[tuple[str, str, str]] = set()
    for s_path, s_n, stage_data in reader.items(data, (), "stages"):
        where = _("Tahap ke-%(n)s") % {"n": s_n}
        stage = _Node(reader.fields(stage_data, s_path, where, STAGE_FIELDS, Stage))
        s_code = reader.unique(s_path, where, stage_codes, stage.values.get("code"))
        stages.append(stage)
        where = f"{where} ({s_code})"
        aspect_codes: set[str] = set()
        for a_path, a_n, aspect_data in reader.items(stage_data, s_path, "aspects"):
            where_a = f"{where} · " + _("aspek ke-%(n)s") % {"n": a_n}
            aspect = _Node(reader.fields(aspect_data, a_path, where_a, ASPECT_FIELDS, Aspect))
            a_code = reader.unique(a_path, where_a, aspect_codes, aspect.values.get("code"))
            aspect_keys.add((s_code, a_code))
            stage.children.append(aspect)
            where_a = f"{where_a} ({a_code})"
            indicator_codes: set[str] = set()
            for i_path, i_n, indicator_data in reader.items(aspect_data, a_path, "indicators"):
                where_i = f"{where_a} · " + _("indikator ke-%(n)s") % {"n": i_n}
                indicator = _Node(
                    reader.fields(indicator_data, i_path, where_i, INDICATOR_FIELDS, Indicator)
                )
                i_code = reader.unique(
                    i_path, where_i, indicator_codes, indicator.values.get("code")
                )
                indicator_keys.add((s_code, a_code, i_code))
                aspect.children.append(indicator)
                where_i = f"{where_i} ({i_code})"
                option_codes: set[str] = set()
                for o_path, o_n, option_data in reader.items(indicator_data, i_path, "options"):
                    where_o = f"{where_i} · " + _("pilihan ke-%(n)s") % {"n": o_n}
                    option = reader.fields(option_data, o_path, where_o, OPTION_FIELDS, Option)
                    reader.unique(o_path, where_o, option_codes, option.get("code"))
                    indicator.children.append(_Node(option))

    bands = [
        reader.fields(
            band_data, path, _("Predikat ke-%(n)s") % {"n": n}, BAND_FIELDS, PredicateBand
        )
        for path, n, band_data in reader.items(data, (), "predicate_bands")
    ]

    rules = []
    for path, n, rule_data in reader.items(data, (), "tie_break_rules"):
        where = _("Aturan seri ke-%(n)s") % {"n": n}
        rule = reader.fields(rule_data, path, where, TIE_BREAK_FIELDS, TieBreakRule)
        rules.append(rule)
        stage_code, aspect_code = rule.get("stage"), rule.get("aspect")
        indicator_code = rule.get("indicator")
        if (
            stage_code
            and aspect_code
            and (
                stage_code not in stage_codes
                or (stage_code, aspect_code) not in aspect_keys
                or (
                    indicator_code
                    and (stage_code, aspect_code, indicator_code) not in indicator_keys
                )
            )
        ):
            reader.error(path, where, _("tahap, aspek atau indikator yang dirujuk tidak ada."))

    tiers = []
    ranks: set[str] = set()
    for path, n, tier_data in reader.items(data, (), "award_tiers"):
        where = _("Penghargaan ke-%(n)s") % {"n": n}
        tier = reader.fields(tier_data, path, where, AWARD_FIELDS, AwardTier)
        if tier.get("rank") is not None and str(tier["rank"]) in ranks:
            reader.error(
                path,
                where,
                _("peringkat %(rank)s dipakai lebih dari sekali.") % {"rank": tier["rank"]},
            )
        ranks.add(str(tier.get("rank")))
        tiers.append(tier)

    reader.raise_if_errors()
    return _ParsedSet(set_values, stages, bands, rules, tiers)


def _create(region: Region, parsed: _ParsedSet) -> InstrumentSet:
    instrument_set = InstrumentSet.objects.create(region=region, **parsed.values)
    stages: dict[str, Stage] = {}
    aspects: dict[tuple[str, str], Aspect] = {}
    indicators: dict[tuple[str, str, str], Indicator] = {}
    options: list[Option] = []
    for stage_node in parsed.stages:
        stage = Stage.objects.create(instrument_set=instrument_set, **stage_node.values)
        stages[stage.code] = stage
        for aspect_node in stage_node.children:
            aspect = Aspect.objects.create(stage=stage, **aspect_node.values)
            aspects[(stage.code, aspect.code)] = aspect
            for indicator_node in aspect_node.children:
                indicator = Indicator.objects.create(aspect=aspect, **indicator_node.values)
                indicators[(stage.code, aspect.code, indicator.code)] = indicator
                options.extend(
                    Option(indicator=indicator, **option_node.values)
                    for option_node in indicator_node.children
                )
    Option.objects.bulk_create(options)
    PredicateBand.objects.bulk_create(
        PredicateBand(instrument_set=instrument_set, **values) for values in parsed.bands
    )
    rules = []
    for values in parsed.rules:
        values = dict(values)
        stage_code, aspect_code = values.pop("stage"), values.pop("aspect")
        indicator_code = values.pop("indicator")
        rules.append(
            TieBreakRule(
                instrument_set=instrument_set,
                stage=stages[stage_code],
                aspect=aspects[(stage_code, aspect_code)],
                indicator=indicators[(stage_code, aspect_code, indicator_code)]
                if indicator_code
                else None,
                **values,
            )
        )
    TieBreakRule.objects.bulk_create(rules)
    AwardTier.objects.bulk_create(
        AwardTier(instrument_set=instrument_set, **values) for values in parsed.tiers
    )
    return instrument_set


def _delete_set(instrument_set: InstrumentSet) -> None:
    TieBreakRule.objects.filter(instrument_set=instrument_set).delete()
    instrument_set.delete()


class _Reader:
    """Turns untrusted plain data into model field values, collecting every problem."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.errors: list[str] = []

    def error(self, path: tuple, where: str, message: str) -> None:
        self.errors.append(f"{self.sources.get(path, where)}: {message}")

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InstrumentImportError(self.errors)

    def items(self, data: Any, path: tuple, key: str) -> list[tuple[tuple, int, Any]]:
        """(path, 1-based number, item) of each item in the list `data[key]`."""
        value = data.get(key, []) if isinstance(data, dict) else []
        if not isinstance(value, list):
            self.error((*path, key), key, _("harus berupa daftar."))
            return []
        return [((*path, key, index), index + 1, item) for index, item in enumerate(value)]

    def unique(self, path: tuple, where: str, seen: set[str], code: Any) -> str:
        """The item's code, reporting it when a sibling already uses it."""
        if not code:
            return "?"
        if code in seen:
            self.error(path, where, _("kode %(code)s dipakai lebih dari sekali.") % {"code": code})
        seen.add(code)
        return code

    def fields(
        self,
        data: Any,
        path: tuple,
        where: str,
        names: tuple[str, ...],
        model: type[models.Model],
    ) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.error(path, where, _("format tidak dikenal."))
            return {}
        errors_before = len(self.errors)
        values: dict[str, Any] = {}
        for name in names:
            if model is TieBreakRule and name in TIE_BREAK_REFERENCES:
                value = data.get(name)
                value = "" if value is None else str(value).strip()
                if name != "indicator" and not value:
                    label = TIE_BREAK_REFERENCES[name]
                    self.error(path, where, _("%(field)s wajib diisi.") % {"field": label})
                values[name] = value or None
                continue
            field = model._meta.get_field(name)
            if name in data:
                raw = data[name]
            else:
                raw = field.get_default() if field.has_default() else None
            try:
                values[name] = self._convert(field, raw)
            except ValueError as exc:
                self.error(path, where, f"{field.verbose_name} {exc}")
        if len(self.errors) == errors_before:
            plain = {k: v for k, v in values.items() if k not in TIE_BREAK_REFERENCES}
            try:
                model(**plain).clean_fields(exclude=_PARENT_FIELDS)
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    label = model._meta.get_field(field_name).verbose_name
                    for message in messages:
                        self.error(path, where, f"{label}: {message}")
        return values

    @staticmethod
    def _convert(field: models.Field, raw: Any) -> Any:
        internal = field.get_internal_type()
        if raw in (None, "") and field.null:
            return None
        if internal == "DecimalField":
            if raw in (None, ""):
                raise ValueError(_("wajib diisi."))
            if isinstance(raw, bool):
                raise ValueError(_("harus berupa angka."))
            try:
                number = Decimal(str(raw).strip().replace(",", "."))
            except InvalidOperation:
                raise ValueError(_("harus berupa angka.")) from None
            if not number.is_finite():
                raise ValueError(_("harus berupa angka."))
            return number
        if internal in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):
            if raw in (None, ""):
                raise ValueError(_("wajib diisi."))
            if isinstance(raw, bool):
                raise ValueError(_("harus berupa bilangan bulat."))
            try:
                number = Decimal(str(raw).strip())
            except InvalidOperation:
                raise ValueError(_("harus berupa bilangan bulat.")) from None
            if not number.is_finite() or number != number.to_integral_value():
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
                raise ValueError(_("harus berupa objek JSON, misalnya {}."))
            return raw
        text = "" if raw is None else str(raw).strip()
        if not text and not field.blank:
            raise ValueError(_("wajib diisi."))
        if text.startswith("="):
            # Excel reads it as a formula, and the workbook import refuses formulas.
            raise ValueError(_("tidak boleh diawali tanda = (dibaca sebagai rumus)."))
        return text


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


INSTRUMENT_SET_STATUS = StateMachine(
    field="status",
    moves={InstrumentSet.Status.DRAFT: frozenset({InstrumentSet.Status.FROZEN})},
    labels=dict(InstrumentSet.Status.choices),
)


def instrument_set_freeze(
    *, instrument_set: InstrumentSet, by: AbstractBaseUser | None = None, reason: str = ""
) -> InstrumentSet:
    """Freeze the set for good (a period using it has values, or was closed): its rules can
    no longer change; editing means a new version. Recorded; a frozen set stays as it is."""
    if not instrument_set.is_frozen:
        try:
            transition_apply(
                obj=instrument_set,
                machine=INSTRUMENT_SET_STATUS,
                to=InstrumentSet.Status.FROZEN,
                by=by,
                region=instrument_set.region,
                reason=reason,
            )
        except TransitionRefused:  # frozen meanwhile by someone else: the same outcome
            instrument_set.status = InstrumentSet.Status.FROZEN
    return instrument_set


def ensure_editable(instrument_set: InstrumentSet) -> None:
    if instrument_set.is_frozen:
        raise FrozenInstrumentSetError(frozen_reason())


def frozen_reason() -> str:
    return _(
        "Set instrumen ini sudah dibekukan karena dipakai periode yang sudah memiliki "
        "nilai atau sudah ditutup. Buat versi baru untuk mengubahnya."
    )


# ------------------------------------------------------------------------------ editing

# What Admin Tapem may change on the set itself; code and version name the regulation.


@transaction.atomic
def instrument_set_update(
    *, instrument_set: InstrumentSet, values: dict[str, Any]
) -> InstrumentSet:
    """Change the set's header (legal basis, formulas, predicate settings) of a draft."""
    unknown = set(values) - set(SET_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    locked = _lock_editable(instrument_set)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    return locked


@transaction.atomic
def instrument_part_create(
    *, instrument_set: InstrumentSet, model: type, parent: Any, values: dict[str, Any]
) -> Any:
    """Add a stage, aspect, indicator, option, band, tie-break rule or award tier.

    `parent` is what the part hangs from: the set, a stage (for an aspect), an aspect (for
    an indicator) or an indicator (for an option). Raises FrozenInstrumentSetError.
    """
    locked = _lock_editable(instrument_set)
    _ensure_in_set(instrument_set, parent, *_references(values))
    part = model(**{selectors.PART_PARENT_FIELD[model]: parent}, **values)
    part.save()
    _touch(locked)
    return part


@transaction.atomic
def instrument_part_update(
    *, instrument_set: InstrumentSet, part: Any, values: dict[str, Any]
) -> Any:
    """Change one part of a draft set. Raises FrozenInstrumentSetError."""
    locked = _lock_editable(instrument_set)
    _ensure_in_set(instrument_set, part, *_references(values))
    for name, value in values.items():
        setattr(part, name, value)
    part.save()
    _touch(locked)
    return part


@transaction.atomic
def instrument_part_delete(*, instrument_set: InstrumentSet, part: Any) -> None:
    """Delete one part of a draft set with everything under it (and tie-break rules that
    name it). Raises FrozenInstrumentSetError."""
    locked = _lock_editable(instrument_set)
    _ensure_in_set(instrument_set, part)
    try:
        part.delete()
    except models.ProtectedError:
        raise PartInUseError(
            _(
                "%(part)s tidak dapat dihapus: periode yang memakai set ini sudah menetapkan "
                "tim penilai atau lembar isian untuknya. Keluarkan tim dari tahap itu lebih "
                "dulu, atau buat versi baru set instrumen."
            )
            % {"part": part}
        ) from None
    _touch(locked)


def _lock_editable(instrument_set: InstrumentSet) -> InstrumentSet:
    """The set's row, locked for this transaction, after checking it is still a draft:
    a freeze that commits first wins, and the edit is refused."""
    locked = InstrumentSet.objects.select_for_update().get(pk=instrument_set.pk)
    ensure_editable(locked)
    return locked


def _touch(instrument_set: InstrumentSet) -> None:
    instrument_set.save(update_fields=["updated_at"])


def _references(values: dict[str, Any]) -> list[Any]:
    return [value for value in values.values() if isinstance(value, Stage | Aspect | Indicator)]


def _ensure_in_set(instrument_set: InstrumentSet, *objects: Any) -> None:
    for obj in objects:
        if isinstance(obj, InstrumentSet):
            belongs = obj.pk == instrument_set.pk
        else:
            lookup = selectors.PART_SET_LOOKUP[type(obj)]
            belongs = type(obj).objects.filter(pk=obj.pk, **{lookup: instrument_set}).exists()
        if not belongs:
            raise ValueError(f"{obj!r} is not part of instrument set {instrument_set.pk}")


# ------------------------------------------------------------------------------ workbook


def instrument_set_export_workbook(*, instrument_set: InstrumentSet) -> bytes:
    """The whole set as one xlsx workbook (see `instruments.workbook`)."""
    return workbook.data_to_workbook(instrument_set_to_data(instrument_set))


@transaction.atomic
def instrument_set_import_workbook(*, region: Region, source: Any) -> InstrumentSet:
    """A new set, or the next draft version of the set with the same code, from an upload.

    All or nothing. Raises WorkbookRejected when the file itself is refused (not an xlsx,
    too large, macros, formulas, wrong sheets or headers) and InstrumentImportError listing
    every bad row as "<lembar> baris <n>: <alasan>".
    """
    read = workbook.workbook_to_data(source)
    data, errors = read.data, list(read.errors)
    latest = (
        InstrumentSet.objects.filter(region=region, code=str(data.get("code") or ""))
        .order_by("-version")
        .first()
    )
    if latest is not None:
        data["version"] = latest.version + 1
    try:
        if errors:
            # Rows are missing from the data: report the other rows' problems, but not
            # what the set as a whole lacks without them.
            _parse(data, read.sources)
        else:
            instrument_set = instrument_set_import_data(
                region=region, data=data, sources=read.sources
            )
    except InstrumentImportError as exc:
        errors.extend(exc.messages)
    if errors:
        raise InstrumentImportError(read.sorted(errors))
    if latest is not None:
        instrument_set.previous_version = latest
        instrument_set.save(update_fields=["previous_version"])
    return instrument_set
