from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from evaluations.models import TeamMember
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

    def rows(self) -> Iterator[tuple[AbstractBaseUser, list[forms.BoundField]]]:
        """For the template: each penilai with their field in every stage, in stage order."""
        for user in self.penilai:
            yield user, [self[self._name(stage, user)] for stage in self.stages]

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
