import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from evaluations.models import Sheet, TeamMember
from evaluations.sheets import SheetCell, SheetWriteError, plain_decimal, sheet_cells
from instruments.models import InstrumentSet, Stage
from instruments.selectors import instrument_set_tree
from instruments.validation import validate_instrument_set
from regions.models import Kecamatan
from regions.people import person_name


class ScoreWorkbookForm(forms.Form):
    workbook = forms.FileField(
        label=_("Berkas nilai (.xlsx)"),
        help_text=_("Templat nilai yang sudah diisi, dengan lembar 'nilai'."),
    )

    def clean_workbook(self) -> UploadedFile:
        workbook = self.cleaned_data["workbook"]
        if workbook.size > settings.KINERJA_MAX_WORKBOOK_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)s MB).")
                % {"mb": settings.KINERJA_MAX_WORKBOOK_BYTES // (1024 * 1024)}
            )
        return workbook


class PeriodForm(forms.Form):
    name = forms.CharField(
        label=_("Nama periode"),
        max_length=250,
        help_text=_("Misalnya Evaluasi Kinerja Kecamatan 2027."),
    )
    slug = forms.SlugField(
        label=_("Kode URL"),
        max_length=50,
        help_text=_(
            "Huruf kecil, angka dan tanda hubung; dipakai di alamat halaman, misalnya 2027."
        ),
        error_messages={
            "invalid": _("Kode URL hanya boleh berisi huruf, angka dan tanda hubung, tanpa spasi.")
        },
    )
    year_evaluated = forms.IntegerField(
        label=_("Tahun yang dinilai"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Tahun ditulis dengan angka, misalnya 2026.")},
    )
    instrument_set = forms.ModelChoiceField(
        label=_("Set instrumen"), queryset=InstrumentSet.objects.none(), empty_label=None
    )
    kecamatan = forms.ModelMultipleChoiceField(
        label=_("Kecamatan peserta"),
        queryset=Kecamatan.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih paling sedikit satu kecamatan peserta.")},
    )

    def __init__(
        self,
        *args: Any,
        instrument_sets: QuerySet[InstrumentSet],
        kecamatan: QuerySet[Kecamatan],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument_set"].queryset = instrument_sets  # type: ignore[attr-defined]
        self.fields["kecamatan"].queryset = kecamatan  # type: ignore[attr-defined]
        # A new period usually evaluates last year, with every kecamatan taking part.
        self.fields["kecamatan"].initial = [k.pk for k in kecamatan]
        self.fields["year_evaluated"].initial = date.today().year - 1
        newest = instrument_sets.order_by("-created_at").first()
        if newest is not None:
            self.fields["instrument_set"].initial = newest.pk

    def clean_instrument_set(self) -> InstrumentSet:
        chosen: InstrumentSet = self.cleaned_data["instrument_set"]
        errors = [
            f for f in validate_instrument_set(instrument_set_tree(pk=chosen.pk)) if f.is_error
        ]
        if errors:
            raise forms.ValidationError(
                _(
                    "Set instrumen ini masih memiliki %(count)d kesalahan; perbaiki dulu di "
                    "halaman instrumen."
                )
                % {"count": len(errors)}
            )
        return chosen


_NOT_SEATED = ""


class TeamForm(forms.Form):
    """One choice per stage with a team and penilai of the region: not seated, or a position."""

    def __init__(
        self,
        *args: Any,
        stages: Sequence[Stage],
        penilai: Sequence[AbstractBaseUser],
        seats: dict[tuple[int, int], str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stages = list(stages)
        self.penilai = list(penilai)
        choices = [(_NOT_SEATED, "—"), *TeamMember.Position.choices]
        for stage in self.stages:
            for user in self.penilai:
                self.fields[self._name(stage, user)] = forms.ChoiceField(
                    label=f"{person_name(user)} · {stage.name}",
                    choices=choices,
                    required=False,
                    initial=seats.get((stage.pk, user.pk), _NOT_SEATED),
                )

    @staticmethod
    def _name(stage: Stage, user: AbstractBaseUser) -> str:
        return f"tahap-{stage.pk}-penilai-{user.pk}"

    def rows(self) -> Iterator[tuple[AbstractBaseUser, list[tuple[Stage, forms.BoundField]]]]:
        """For the template: each penilai with their field in every stage, in stage order."""
        for user in self.penilai:
            yield user, [(stage, self[self._name(stage, user)]) for stage in self.stages]

    def seats(self) -> dict[Stage, list[tuple[AbstractBaseUser, str]]]:
        """The chosen team of every stage, penilai in list order."""
        return {
            stage: [
                (user, self.cleaned_data[self._name(stage, user)])
                for user in self.penilai
                if self.cleaned_data[self._name(stage, user)] != _NOT_SEATED
            ]
            for stage in self.stages
        }


class NotScoredForm(forms.Form):
    """Why a participating kecamatan is not scored (printed with the results)."""

    reason = forms.CharField(
        label=_("Alasan tidak dinilai"),
        max_length=1000,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("misalnya: isian tetap tidak lengkap setelah perbaikan")}
        ),
    )


class PeriodStatusForm(forms.Form):
    """Confirming a status move; reopening a closed period must say why (it is recorded)."""

    reason = forms.CharField(
        label=_("Alasan"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if reason_required:
            self.fields["reason"].error_messages["required"] = _(
                "Tuliskan alasannya; alasan ini dicatat dalam riwayat periode."
            )


class SheetForm(forms.Form):
    """Every cell of a sheet as a field; the sheet service validates the values (the
    instrument's one rule), so the fields only carry what was typed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    action = forms.ChoiceField(
        choices=[("save", "save"), ("submit", "submit")], initial="save", required=False
    )

    def __init__(self, *args: Any, sheet: Sheet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.cells = sheet_cells(sheet)
        stored = {(e.indicator_id, e.part): e for e in sheet.entries.all()}
        self.fields["version"].initial = sheet.version
        self.fields["key"].initial = uuid.uuid4().hex
        self.latest: dict[str, str] = {}  # field name → the stored value after a conflict
        for cell in self.cells:
            entry = stored.get((cell.indicator_id, cell.part))
            label = f"{cell.code}{' · ' + cell.label if cell.part else ''} — {cell.text}"
            name = self.field_name(cell)
            if cell.rule is None:
                self.fields[name] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
                )
                self.fields[name].initial = entry.text if entry else ""
            elif cell.rule.choice:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", "—"), *((code, code) for code in cell.rule.options)],
                )
                self.fields[name].initial = entry.option_code if entry else ""
            else:
                attrs = {"inputmode": "numeric" if cell.rule.integer_only else "decimal"}
                self.fields[name] = forms.CharField(
                    label=label, required=False, widget=forms.TextInput(attrs=attrs)
                )
                self.fields[name].initial = _plain_number(entry.value) if entry else ""
            self.fields[name].help_text = cell.guidance
            self.fields[name].cell = cell

    @staticmethod
    def field_name(cell: SheetCell) -> str:
        return f"sel-{cell.indicator_id}-{cell.part or '_'}"

    def cell_fields(self) -> Iterator[tuple[SheetCell, forms.BoundField, str | None]]:
        for cell in self.cells:
            name = self.field_name(cell)
            yield cell, self[name], self.latest.get(name)

    def values(self) -> list[dict[str, Any]]:
        values = []
        for cell in self.cells:
            raw = self.cleaned_data.get(self.field_name(cell)) or None
            item: dict[str, Any] = {"indicator": cell.code, "part": cell.part}
            if cell.rule is None:
                item["text"] = raw
            elif cell.rule.choice:
                item["option"] = raw
            else:
                item["value"] = raw
            values.append(item)
        return values

    def fingerprint(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet.pk,
            "version": self.cleaned_data["version"],
            "values": self.values(),
        }

    def add_write_error(self, error: SheetWriteError) -> None:
        """Show why nothing was stored, next to the cells concerned; keep what was typed."""
        self.add_error(None, error.message)
        by_cell = {(cell.code, cell.part): cell for cell in self.cells}
        for problem in error.payload.get("errors") or ():
            cell = by_cell.get((problem.get("indicator"), problem.get("part")))
            if cell is not None:
                self.add_error(self.field_name(cell), problem["message"])
        if error.payload.get("values") is not None:
            # A conflict: show the newer stored values beside what was typed, and let the
            # next save be made knowingly against the current version.
            for item in error.payload["values"]:
                cell = by_cell.get((item["indicator"], item["part"]))
                if cell is not None:
                    shown = item.get("option") or item.get("value") or item.get("text") or "—"
                    self.latest[self.field_name(cell)] = shown
            data = self.data.copy()
            data["version"] = str(error.payload["version"])
            data["key"] = uuid.uuid4().hex
            self.data = data


def _plain_number(value: Decimal | None) -> str:
    # As Indonesians type it back: 85,5.
    return "" if value is None else plain_decimal(value).replace(".", ",")
