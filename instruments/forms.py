"""Forms for Admin Tapem to edit a draft instrument set one part at a time, and to upload
a workbook. Forms check the input; `services` write it."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from instruments import selectors
from instruments.fields import (
    ASPECT_FIELDS,
    AWARD_FIELDS,
    BAND_FIELDS,
    INDICATOR_FIELDS,
    OPTION_FIELDS,
    SET_EDITABLE_FIELDS,
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


class DecimalInput(forms.DecimalField):
    """A number as Indonesians type it: 85,5 or 85.5; no thousands separators."""

    widget = forms.TextInput

    def to_python(self, value: object) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if "," in value and "." in value:
                raise ValidationError(
                    _("Gunakan satu tanda desimal saja, misalnya 85,5."), code="invalid"
                )
            value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value: object) -> object:
        if isinstance(value, Decimal):
            text = format(value, "f")
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text.replace(".", ",")
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal"}


def _formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.ForeignKey):
        # Nothing to choose until the form narrows it to one set (the scoped default
        # manager cannot even be asked outside a request).
        kwargs["queryset"] = db_field.remote_field.model._base_manager.none()
    if isinstance(db_field, models.DecimalField):
        kwargs["form_class"] = DecimalInput
    if isinstance(db_field, models.DateField):
        kwargs["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if isinstance(db_field, models.TextField | models.JSONField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
    return db_field.formfield(**kwargs)


def _refuse_formula_text(form: forms.ModelForm) -> None:
    """Text starting with "=" is a formula to Excel, and the workbook import refuses it;
    keeping it out of the set keeps every set exportable and importable again."""
    for name, value in list(form.cleaned_data.items()):
        if isinstance(value, str) and value.strip().startswith("="):
            form.add_error(name, _("Teks tidak boleh diawali tanda = (dibaca sebagai rumus)."))


class InstrumentSetForm(forms.ModelForm):
    class Meta:
        model = InstrumentSet
        fields = SET_EDITABLE_FIELDS
        formfield_callback = _formfield

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _refuse_formula_text(self)
        return cleaned


class PartForm(forms.ModelForm):
    """One part of a set (stage, aspect, …) under `parent`; a new part gets the next order.

    `unique_field` must not repeat among the parts of the same kind under the same parent.
    """

    unique_field: str | None = "code"

    class Meta:
        formfield_callback = _formfield

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        instrument_set: InstrumentSet,
        parent: InstrumentSet | Stage | Aspect | Indicator,
        instance: models.Model | None = None,
    ) -> None:
        super().__init__(data, instance=instance)
        self.instrument_set = instrument_set
        self.parent = parent
        self.siblings = selectors.part_siblings(model=self._meta.model, parent=parent)
        order_field = "rank" if self._meta.model is AwardTier else "order"
        if self.instance.pk is None and order_field in self.fields:
            self.fields[order_field].initial = selectors.part_next_order(
                model=self._meta.model, parent=parent
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _refuse_formula_text(self)
        name = self.unique_field
        value = cleaned.get(name) if name else None
        if value not in (None, "") and (
            self.siblings.exclude(pk=self.instance.pk).filter(**{name: value}).exists()
        ):
            model_meta = self._meta.model._meta
            self.add_error(
                name,
                _("%(field)s %(value)s sudah dipakai oleh %(model)s lain.")
                % {
                    "field": capfirst(model_meta.get_field(name).verbose_name),
                    "value": value,
                    "model": model_meta.verbose_name,
                },
            )
        return cleaned


class StageForm(PartForm):
    class Meta(PartForm.Meta):
        model = Stage
        fields = STAGE_FIELDS
        help_texts = {
            "presentation_limits": gettext_lazy(
                'Teks JSON, misalnya {"phases": [{"code": "video", "label": "Video '
                'kewilayahan", "minutes": 10}, {"code": "paparan", "label": "Pemaparan Camat", '
                '"minutes": 30}, {"code": "wawancara", "label": "Wawancara panel", "minutes": '
                'null}], "slides": 12, "reference": "Pasal 11 ayat (5)–(8)"}. "minutes": null '
                "untuk fase tanpa batas waktu; slides = batas halaman bahan paparan. Kosongkan "
                "atau isi {} bila tahap ini tanpa pemaparan."
            )
        }

    def clean_presentation_limits(self) -> dict[str, Any]:
        limits = self.cleaned_data.get("presentation_limits")
        # The shape itself is the model field's validator (instruments.limits), which the
        # workbook and fixture imports meet too.
        return {} if limits in (None, "") else limits


class AspectForm(PartForm):
    class Meta(PartForm.Meta):
        model = Aspect
        fields = ASPECT_FIELDS


class IndicatorForm(PartForm):
    class Meta(PartForm.Meta):
        model = Indicator
        fields = INDICATOR_FIELDS
        help_texts = {
            "params": gettext_lazy(
                'Teks JSON. Pasangan persentase: {"parts": {"fisik": "50", "keuangan": '
                '"50"}}, ditambah "years": 2 bila setiap bagian diisi per tahun (nilai '
                'bagian = rata-rata tahunnya). Jumlah yang dibandingkan: "recorded": '
                '["institusi"] untuk isian yang dicatat tanpa dinilai. "labels": {"fisik": '
                '"Realisasi fisik"} menamai bagian. Capaian: {"polarity": "higher_is_better"} '
                'atau {"polarity": "lower_is_better"}, ditambah "scale": [{"label": "Baik", '
                '"lower": "76", "upper": "100"}, …] untuk skala yang ditampilkan (batas '
                'termasuk kecuali "lower_inclusive"/"upper_inclusive": false). Selain itu '
                "kosongkan atau isi {}."
            )
        }

    def clean_params(self) -> dict[str, Any]:
        params = self.cleaned_data.get("params")
        if params in (None, ""):
            return {}
        if not isinstance(params, dict):
            raise ValidationError(_("Parameter rumus harus berupa objek JSON, misalnya {}."))
        return params

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_value", _("Nilai maksimal harus sama dengan atau di atas nilai minimal.")
            )
        return cleaned


class OptionForm(PartForm):
    class Meta(PartForm.Meta):
        model = Option
        fields = OPTION_FIELDS


class PredicateBandForm(PartForm):
    unique_field = None

    class Meta(PartForm.Meta):
        model = PredicateBand
        fields = BAND_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        low, high = cleaned.get("lower"), cleaned.get("upper")
        if low is not None and high is not None and low > high:
            self.add_error("upper", _("Batas atas harus sama dengan atau di atas batas bawah."))
        return cleaned


class TieBreakRuleForm(PartForm):
    unique_field = None

    class Meta(PartForm.Meta):
        model = TieBreakRule
        fields = TIE_BREAK_FIELDS

    def __init__(self, *args, instrument_set: InstrumentSet, **kwargs):
        super().__init__(*args, instrument_set=instrument_set, **kwargs)
        stages = self.fields["stage"]
        stages.queryset = Stage.objects.filter(instrument_set=instrument_set).order_by("order")
        stages.label_from_instance = lambda s: f"{s.code} · {s.name}"
        aspects = self.fields["aspect"]
        aspects.queryset = (
            Aspect.objects.filter(stage__instrument_set=instrument_set)
            .select_related("stage")
            .order_by("stage__order", "order")
        )
        aspects.label_from_instance = lambda a: f"{a.stage.code} · {a.code} · {a.name}"
        indicators = self.fields["indicator"]
        indicators.queryset = (
            Indicator.objects.filter(aspect__stage__instrument_set=instrument_set)
            .select_related("aspect__stage")
            .order_by("aspect__stage__order", "aspect__order", "order")
        )
        indicators.label_from_instance = lambda i: (
            f"{i.aspect.stage.code} · {i.aspect.code} · {i.code} · {i.text[:60]}"
        )
        indicators.empty_label = _("— rata-rata nilai aspek —")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        stage, aspect = cleaned.get("stage"), cleaned.get("aspect")
        indicator = cleaned.get("indicator")
        if stage and aspect and aspect.stage_id != stage.pk:
            self.add_error("aspect", _("Aspek ini bukan bagian dari tahap yang dipilih."))
        if aspect and indicator and indicator.aspect_id != aspect.pk:
            self.add_error("indicator", _("Indikator ini bukan bagian dari aspek yang dipilih."))
        return cleaned


class AwardTierForm(PartForm):
    unique_field = "rank"

    class Meta(PartForm.Meta):
        model = AwardTier
        fields = AWARD_FIELDS


PART_FORMS: dict[str, type[PartForm]] = {
    "tahap": StageForm,
    "aspek": AspectForm,
    "indikator": IndicatorForm,
    "pilihan": OptionForm,
    "predikat": PredicateBandForm,
    "seri": TieBreakRuleForm,
    "penghargaan": AwardTierForm,
}


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Workbook set instrumen (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_workbook(self) -> UploadedFile:
        upload = self.cleaned_data["workbook"]
        limit = settings.KINERJA_MAX_WORKBOOK_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("Berkas terlalu besar; ukuran maksimal %(size)s.")
                % {"size": filesizeformat(limit)}
            )
        return upload
