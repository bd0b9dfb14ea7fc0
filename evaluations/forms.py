import json
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

from config.uploads import (
    EvidenceRejected,
    EvidenceTooLarge,
    evidence_accept,
    evidence_type_refusal,
    inspect_evidence,
)
from evaluations.decisions import CONFLICT
from evaluations.models import MemberAbsence, Sheet, TeamMember
from evaluations.self_assessment import NewEvidence, capaian_reading
from evaluations.services import SINGLE_POSITIONS, AppointmentInput, DeadlineInput, Seat
from evaluations.sheets import (
    NOTES_MAX_CHARS,
    SheetCell,
    SheetWriteError,
    plain_decimal,
    sheet_cells,
)
from instruments.descriptions import scale_in_print
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for stage in self.stages:
            for position in SINGLE_POSITIONS:
                holders = [
                    person_name(user)
                    for user in self.penilai
                    if cleaned.get(self._name(stage, user)) == position
                ]
                if len(holders) > 1:
                    self.add_error(
                        None,
                        _(
                            "Tahap %(stage)s: tim hanya boleh memiliki satu %(position)s; "
                            "terpilih %(users)s."
                        )
                        % {
                            "stage": stage.name,
                            "position": position.label,
                            "users": ", ".join(holders),
                        },
                    )
        return cleaned

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


class StageTeamForm(forms.Form):
    """One stage's team as its SK appoints it: each seated member's origin (unsur) and
    jabatan/instansi, and the SK's number, date, signatory and subject."""

    sk_number = forms.CharField(
        label=_("Nomor SK"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("misalnya 100.3.3.2/123/Tapem")}),
    )
    sk_date = forms.DateField(
        label=_("Tanggal SK"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Tanggal SK tidak terbaca; tulis seperti 2026-05-03.")},
    )
    sk_issuer = forms.CharField(
        label=_("Ditetapkan oleh"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("misalnya Bupati Banggai")}),
    )
    sk_title = forms.CharField(
        label=_("Tentang"),
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("misalnya Pembentukan Tim Evaluasi Kinerja Kecamatan")}
        ),
    )

    def __init__(
        self,
        *args: Any,
        stage: Stage,
        seats: Sequence[TeamMember],
        appointment: Any = None,
        **kwargs: Any,
    ) -> None:
        if appointment is not None:
            kwargs.setdefault(
                "initial",
                {
                    "sk_number": appointment.number,
                    "sk_date": appointment.date,
                    "sk_issuer": appointment.issuer,
                    "sk_title": appointment.title,
                },
            )
        super().__init__(*args, **kwargs)
        self.stage = stage
        self.seats = list(seats)
        self.has_appointment = appointment is not None
        for seat in self.seats:
            name = person_name(seat.user)
            self.fields[f"origin-{seat.pk}"] = forms.ChoiceField(
                label=_("Unsur %(name)s") % {"name": name},
                choices=[("", "—"), *TeamMember.Origin.choices],
                required=False,
                initial=seat.origin,
            )
            self.fields[f"jabatan-{seat.pk}"] = forms.CharField(
                label=_("Jabatan/instansi %(name)s dalam SK") % {"name": name},
                max_length=200,
                required=False,
                initial=seat.jabatan or _profile_jabatan(seat.user),
            )

    def rows(self) -> Iterator[tuple[TeamMember, forms.BoundField, forms.BoundField]]:
        for seat in self.seats:
            yield seat, self[f"origin-{seat.pk}"], self[f"jabatan-{seat.pk}"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        sk = [cleaned.get(name) for name in ("sk_number", "sk_date", "sk_issuer")]
        if any(sk) or cleaned.get("sk_title"):
            for name, value in zip(("sk_number", "sk_date", "sk_issuer"), sk, strict=True):
                if not value and name not in self.errors:
                    self.add_error(name, _("Isi nomor, tanggal dan pejabat yang menetapkan SK."))
        elif self.has_appointment:
            self.add_error(
                None,
                _("SK yang sudah dicatat tidak dapat dikosongkan; perbaiki isiannya bila keliru."),
            )
        return cleaned

    def described(self) -> list[Seat]:
        """The seats with their new origin and jabatan (positions unchanged)."""
        return [
            Seat(
                seat.user,
                seat.position,
                self.cleaned_data[f"origin-{seat.pk}"],
                self.cleaned_data[f"jabatan-{seat.pk}"].strip(),
            )
            for seat in self.seats
        ]

    def appointment(self) -> AppointmentInput | None:
        data = self.cleaned_data
        if not data.get("sk_number"):
            return None
        return AppointmentInput(
            stage=self.stage,
            number=data["sk_number"],
            date=data["sk_date"],
            issuer=data["sk_issuer"],
            title=data.get("sk_title", ""),
        )


def _profile_jabatan(user: AbstractBaseUser) -> str:
    profile = getattr(user, "profile", None)
    if profile is None:
        return ""
    return profile.jabatan or profile.instansi


class AssignmentForm(forms.Form):
    """Which kecamatan each seated member of one stage scores: a tick per member and
    kecamatan (all ticked: the whole team scores every kecamatan, the default)."""

    def __init__(
        self,
        *args: Any,
        stage: Stage,
        seats: Sequence[TeamMember],
        kecamatan: Sequence[Kecamatan],
        assigned: dict[tuple[int, int], set[int]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        self.seats = list(seats)
        self.kecamatan = list(kecamatan)
        for kec in self.kecamatan:
            for seat in self.seats:
                chosen = assigned.get((stage.pk, seat.user_id))
                label = f"{person_name(seat.user)} · {kec.name}"
                self.fields[self._name(seat, kec)] = forms.BooleanField(
                    label=label,
                    required=False,
                    initial=chosen is None or kec.pk in chosen,
                    widget=forms.CheckboxInput(attrs={"aria-label": label}),
                )

    @staticmethod
    def _name(seat: TeamMember, kecamatan: Kecamatan) -> str:
        return f"tugas-{seat.user_id}-{kecamatan.pk}"

    def rows(self) -> Iterator[tuple[Kecamatan, list[tuple[TeamMember, forms.BoundField]]]]:
        for kec in self.kecamatan:
            yield kec, [(seat, self[self._name(seat, kec)]) for seat in self.seats]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for seat in self.seats:
            if not any(cleaned.get(self._name(seat, kec)) for kec in self.kecamatan):
                self.add_error(
                    None,
                    _(
                        "%(user)s tidak ditugaskan menilai satu kecamatan pun; centang paling "
                        "sedikit satu, atau keluarkan ia dari tim."
                    )
                    % {"user": person_name(seat.user)},
                )
        for kec in self.kecamatan:
            if self.seats and not any(cleaned.get(self._name(s, kec)) for s in self.seats):
                self.add_error(
                    None,
                    _("Tidak ada penilai yang ditugaskan menilai %(kecamatan)s.")
                    % {"kecamatan": kec.name},
                )
        return cleaned

    def chosen(self) -> dict[int, set[int]]:
        return {
            seat.user_id: {
                kec.pk for kec in self.kecamatan if self.cleaned_data[self._name(seat, kec)]
            }
            for seat in self.seats
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


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(_MultipleFileField, self).clean(file, initial) for file in files]


class SheetForm(forms.Form):
    """Every cell of a sheet as a field; the sheet service validates the values (the
    instrument's one rule), so the fields only carry what was typed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    action = forms.ChoiceField(
        choices=[("save", "save"), ("submit", "submit")], initial="save", required=False
    )

    def __init__(
        self,
        *args: Any,
        sheet: Sheet,
        evidence: dict[int, list[Any]] | None = None,
        answers: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`answers`: on a member's sheet, the kecamatan's accepted answers to the team
        indicators it answers first ({indicator id: option code}); a cell the member has
        not stored yet starts from it, marked, and saving makes it the member's."""
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.all_cells = sheet_cells(sheet)  # in instrument order
        self.cells = [c for c in self.all_cells if not c.is_file]  # the ones taking values
        self.file_cells = [c for c in self.all_cells if c.is_file]
        self.answers = answers or {}
        self.evidence = evidence or {}  # indicator id → its current Evidence files
        self.evidence_files: list[NewEvidence] = []  # checked uploads, after clean
        self.withdraw: list[int] = []  # ids of current files to withdraw, after clean
        self.too_large = False
        self.comments: dict[int, str] = {}  # indicator id → what Tapem asked to repair
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
                labels = dict(cell.options)
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[
                        (code, f"{code}) {labels[code]}" if labels.get(code) else code)
                        for code in cell.rule.options
                    ],
                    widget=forms.RadioSelect,
                )
                answer = self.answers.get(cell.indicator_id, "")
                self.fields[name].initial = entry.option_code if entry else answer
                # "jawaban kecamatan": what the kecamatan answered, and whether the member's
                # choice still only starts from it (nothing stored yet).
                self.fields[name].answer = (
                    f"{answer}) {labels.get(answer, '')}".strip() if answer else ""
                )
                self.fields[name].prefilled = bool(answer) and entry is None
                self.fields[name].differs = (
                    bool(answer) and entry is not None and entry.option_code != answer
                )
            else:
                attrs = {"inputmode": "numeric" if cell.rule.integer_only else "decimal"}
                self.fields[name] = forms.CharField(
                    label=label, required=False, widget=forms.TextInput(attrs=attrs)
                )
                self.fields[name].initial = _plain_number(entry.value) if entry else ""
            self.fields[name].help_text = cell.guidance
            self.fields[name].cell = cell
        if not sheet.is_kecamatan_sheet:
            self.fields["notes"] = forms.CharField(
                label=_("Catatan penilai"),
                required=False,
                strip=True,
                max_length=NOTES_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Catatan Anda sendiri tentang kecamatan ini; dibaca Admin Tapem."),
            )
            self.fields["notes"].initial = sheet.notes
        if sheet.is_kecamatan_sheet:
            for cell in self._first_cells() + self.file_cells:
                accept = evidence_accept(cell.evidence_types)
                self.fields[self.file_field_name(cell)] = _MultipleFileField(
                    label=_("Data dukung %(code)s") % {"code": cell.name},
                    required=False,
                    help_text=cell.evidence_note,
                    widget=_MultipleFileInput(attrs={"accept": accept}),
                )
                # Each current file: a file to put in its place, or withdraw it.
                for evidence in self.evidence.get(cell.indicator_id, []):
                    self.fields[f"ganti-{evidence.pk}"] = forms.FileField(
                        label=_("Ganti %(name)s") % {"name": evidence.original_name},
                        required=False,
                        widget=forms.ClearableFileInput(attrs={"accept": accept}),
                    )
                    self.fields[f"tarik-{evidence.pk}"] = forms.BooleanField(
                        label=_("Tarik %(name)s") % {"name": evidence.original_name},
                        required=False,
                    )

    def _first_cells(self) -> list[SheetCell]:
        seen: set[int] = set()
        first = []
        for cell in self.cells:
            if cell.indicator_id not in seen:
                seen.add(cell.indicator_id)
                first.append(cell)
        return first

    @staticmethod
    def file_field_name(cell: SheetCell) -> str:
        return f"berkas-{cell.indicator_id}"

    def clean(self) -> dict[str, Any]:
        """Check every attached file from its bytes (`config.uploads`); a refused one is
        reported at its indicator and nothing is stored."""
        cleaned = super().clean()
        if not self.sheet.is_kecamatan_sheet:
            return cleaned
        for cell in self._first_cells() + self.file_cells:
            name = self.file_field_name(cell)
            for upload in cleaned.get(name) or []:
                self._inspect(name, NewEvidence(cell.indicator_id, upload), cell)
            for evidence in self.evidence.get(cell.indicator_id, []):
                replacement = cleaned.get(f"ganti-{evidence.pk}")
                if replacement:
                    item = NewEvidence(cell.indicator_id, replacement, evidence.pk)
                    self._inspect(f"ganti-{evidence.pk}", item, cell)
                elif cleaned.get(f"tarik-{evidence.pk}"):
                    self.withdraw.append(evidence.pk)
        return cleaned

    def _inspect(self, name: str, item: NewEvidence, cell: SheetCell) -> None:
        try:
            checked = inspect_evidence(item.file)
        except EvidenceRejected as error:
            self.too_large = self.too_large or isinstance(error, EvidenceTooLarge)
            self.add_error(name, error.message)
            return
        refused = evidence_type_refusal(checked, cell.evidence_types)
        if refused is not None:
            self.add_error(name, refused)
            return
        self.evidence_files.append(NewEvidence(item.indicator_id, checked, item.replaces))

    def indicators(self) -> Iterator[dict[str, Any]]:
        """The form by indicator: its cells (cell, field, latest stored value after a
        conflict), its file field and current evidence (kecamatan sheets)."""
        by_indicator: dict[int, dict[str, Any]] = {}
        for cell in self.all_cells:
            group = by_indicator.get(cell.indicator_id)
            if group is None:
                file_name = self.file_field_name(cell)
                group = by_indicator[cell.indicator_id] = {
                    "cell": cell,
                    "cells": [],
                    "file": self[file_name] if file_name in self.fields else None,
                    "evidence": [
                        (evidence, *self._file_controls(evidence))
                        for evidence in self.evidence.get(cell.indicator_id, [])
                    ],
                    "comment": self.comments.get(cell.indicator_id, ""),
                    "capaian": None,
                }
            if cell.is_file:
                continue
            name = self.field_name(cell)
            group["cells"].append((cell, self[name], self.latest.get(name)))
        for group in by_indicator.values():
            cell = group["cell"]
            if cell.is_capaian:
                figures = {c.part: _typed_number(f.value()) for c, f, _ in group["cells"]}
                group["capaian"] = capaian_reading(
                    target=figures.get("target"),
                    realisasi=figures.get("realisasi"),
                    polarity=cell.polarity,
                    scale=json.loads(cell.scale or "[]"),
                )
                group["scale"] = scale_in_print(json.loads(cell.scale or "[]"))
        yield from by_indicator.values()

    def _file_controls(self, evidence: Any) -> tuple[Any, Any]:
        """The replace and withdraw fields of one current file (None where absent)."""
        names = (f"ganti-{evidence.pk}", f"tarik-{evidence.pk}")
        return tuple(self[name] if name in self.fields else None for name in names)  # type: ignore[return-value]

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
            item: dict[str, Any] = {"indicator": cell.name, "part": cell.part}
            if cell.rule is None:
                item["text"] = raw
            elif cell.rule.choice:
                item["option"] = raw
            else:
                item["value"] = raw
            values.append(item)
        return values

    def notes_to_store(self, user: Any) -> str | None:
        """The notes to store: only the member's own, and only when the form carries them."""
        if "notes" not in self.fields or user.pk != self.sheet.assessor_id:
            return None
        return self.cleaned_data.get("notes") or ""

    def fingerprint(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet.pk,
            "version": self.cleaned_data["version"],
            "values": self.values(),
            "notes": self.cleaned_data.get("notes"),
        }

    def add_write_error(self, error: SheetWriteError) -> None:
        """Show why nothing was stored, next to the cells concerned; keep what was typed."""
        self.add_error(None, error.message)
        by_cell = {(cell.name, cell.part): cell for cell in self.cells}
        for problem in error.payload.get("errors") or ():
            if problem.get("field") == "notes" and "notes" in self.fields:
                self.add_error("notes", problem["message"])
                continue
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
            if "notes" in self.fields and error.payload.get("notes") is not None:
                self.latest["notes"] = error.payload["notes"] or "—"
            data = self.data.copy()
            data["version"] = str(error.payload["version"])
            data["key"] = uuid.uuid4().hex
            self.data = data


def _typed_number(raw: object) -> Decimal | None:
    """A number as the form holds it ("85,5", a Decimal), or None."""
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw).strip().replace(",", "."))
    except ArithmeticError:
        return None


def _plain_number(value: Decimal | None) -> str:
    # As Indonesians type it back: 85,5.
    return "" if value is None else plain_decimal(value).replace(".", ",")


class AbsenceForm(forms.Form):
    """Tapem records that a seated member takes no part in one kecamatan's stage."""

    seat = forms.ModelChoiceField(
        label=_("Penilai dan tahap"), queryset=TeamMember.objects.none(), empty_label="—"
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.none(), empty_label="—"
    )
    kind = forms.ChoiceField(
        label=_("Jenis"),
        # A conflict of interest is recorded as a recusal whose reason says so.
        choices=[*MemberAbsence.Kind.choices, (CONFLICT, _("Konflik kepentingan"))],
        initial=MemberAbsence.Kind.ABSENT,
        widget=forms.RadioSelect,
        help_text=_(
            "Konflik kepentingan: misalnya penilai pernah menjabat di kecamatan itu. Ia "
            "dicatat mengundurkan diri, tidak dapat membuka lembarnya, dan berita acara "
            "menyebut alasannya."
        ),
    )
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("misalnya: sakit (surat keterangan dokter)")}
        ),
    )

    def __init__(
        self,
        *args: Any,
        seats: QuerySet[TeamMember],
        kecamatan: QuerySet[Kecamatan],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        seat_field = self.fields["seat"]
        seat_field.queryset = seats  # type: ignore[attr-defined]
        seat_field.label_from_instance = lambda seat: (  # type: ignore[attr-defined]
            f"{person_name(seat.user)} — {seat.stage.order}. {seat.stage.name}"
        )
        self.fields["kecamatan"].queryset = kecamatan  # type: ignore[attr-defined]


class AbsenceWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penarikan"),
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": _("misalnya: salah catat")}),
    )


class TieDecisionForm(forms.Form):
    """The Tim's order for one tie: a place for each tied kecamatan, the meeting, why."""

    meeting = forms.CharField(
        label=_("Rapat yang memutuskan"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": _("misalnya: Rapat Penetapan Pemenang, 25 Agustus 2026")}
        ),
    )
    reason = forms.CharField(
        label=_("Alasan keputusan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, tie: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="seri-" + "-".join(tie.keys), **kwargs)
        self.tie = tie
        choices = [("", "—"), *zip(tie.keys, tie.names, strict=True)]
        self.place_names = [f"place_{n}" for n in range(1, len(tie.keys) + 1)]
        for n, name in enumerate(self.place_names, start=1):
            self.fields[name] = forms.ChoiceField(
                label=_("Urutan %(n)s") % {"n": n}, choices=choices
            )
        # The place fields first, in order.
        self.order_fields([*self.place_names, "meeting", "reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [data.get(name) for name in self.place_names]
        if all(chosen) and len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("Setiap kecamatan hanya boleh menempati satu urutan."))
        return data

    def order_keys(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.place_names]


class ReviewForm(forms.Form):
    """Tapem's verdict per indicator of a kecamatan's sheet, and the decision: save the
    verdicts, return for repair (a reason; every "needs repair" indicator with its comment)
    or accept."""

    reason = forms.CharField(
        label=_("Alasan pengembalian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dibaca operator kecamatan bersama catatan per indikator."),
    )
    decision = forms.ChoiceField(
        choices=[("save", "save"), ("return", "return"), ("accept", "accept")],
        required=False,
    )

    VERDICTS = [
        ("", _("Belum diperiksa")),
        ("verified", _("Sesuai")),
        ("needs_repair", _("Perlu perbaikan")),
    ]

    def __init__(self, *args: Any, rows: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            verdict = forms.ChoiceField(
                label=_("Hasil verifikasi %(code)s") % {"code": row.code},
                choices=self.VERDICTS,
                required=False,
                widget=forms.RadioSelect,
            )
            comment = forms.CharField(
                label=_("Catatan %(code)s") % {"code": row.code},
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": 2, "placeholder": _("Catatan (wajib bila perlu perbaikan)")}
                ),
            )
            if row.review is not None:
                verdict.initial, comment.initial = row.review.verdict, row.review.comment
            self.fields[f"verdict-{row.indicator_id}"] = verdict
            self.fields[f"comment-{row.indicator_id}"] = comment

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for row in self.rows:
            if (
                cleaned.get(f"verdict-{row.indicator_id}") == "needs_repair"
                and not (cleaned.get(f"comment-{row.indicator_id}") or "").strip()
            ):
                self.add_error(
                    f"comment-{row.indicator_id}",
                    _("Tuliskan apa yang harus diperbaiki pada indikator ini."),
                )
        return cleaned

    def grouped(self) -> Iterator[tuple[Any, forms.BoundField, forms.BoundField]]:
        for row in self.rows:
            yield row, self[f"verdict-{row.indicator_id}"], self[f"comment-{row.indicator_id}"]

    def verdicts(self) -> dict[int, tuple[str, str]]:
        return {
            row.indicator_id: (
                self.cleaned_data.get(f"verdict-{row.indicator_id}") or "",
                self.cleaned_data.get(f"comment-{row.indicator_id}") or "",
            )
            for row in self.rows
        }


class DisqualifyForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan tidak dinilai"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tercantum pada hasil penilaian; diisi dari alasan yang ditetapkan set."),
        error_messages={"required": _("Tuliskan alasannya; alasan ini tercantum pada hasil.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "Saya memastikan penilaian mandiri kecamatan ini tetap tidak lengkap setelah "
            "perbaikan, sehingga kecamatan tidak dinilai."
        ),
        error_messages={"required": _("Centang pernyataan ini untuk melanjutkan.")},
    )


class ProposalDismissForm(forms.Form):
    """Tapem declines the proposal to disqualify: why, and optionally a new repair deadline."""

    reason = forms.CharField(
        label=_("Alasan menolak usulan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tuliskan alasan penolakan usulan.")},
    )
    repair_by = forms.DateTimeField(
        label=_("Batas perbaikan baru (WIB)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Kosongkan bila batas perbaikan tidak diperpanjang."),
        error_messages={"invalid": _("Tulis tanggal dan jam, misalnya 2026-04-20 23:59.")},
    )


class DeadlinesForm(forms.Form):
    """Per stage the kecamatan fills: the date it received the form, submit by, verify by
    (Asia/Jakarta), repair days."""

    def __init__(self, *args: Any, stages: Sequence[Stage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stages = list(stages)
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        for stage in self.stages:
            deadline = getattr(stage, "deadline", None)
            self.fields[f"received-{stage.pk}"] = forms.DateField(
                label=_("Format isian diterima kecamatan"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                initial=deadline.form_received_on if deadline else None,
                help_text=(
                    _("Batas pengajuan dan verifikasi yang dikosongkan dihitung dari tanggal ini.")
                    if stage.submit_days is not None
                    else ""
                ),
            )
            self.fields[f"submit-{stage.pk}"] = forms.DateTimeField(
                label=_("Batas pengajuan"),
                required=False,
                widget=widget,
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                initial=deadline.submit_by if deadline else None,
            )
            self.fields[f"verify-{stage.pk}"] = forms.DateTimeField(
                label=_("Batas verifikasi"),
                required=False,
                widget=widget,
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                initial=deadline.verify_by if deadline else None,
            )
            self.fields[f"repair-{stage.pk}"] = forms.IntegerField(
                label=_("Lama perbaikan (hari)"),
                required=False,
                min_value=0,
                max_value=60,
                initial=deadline.repair_days if deadline else None,
                error_messages={"invalid": _("Tulis jumlah hari dengan angka, misalnya 2.")},
            )

    def grouped(self) -> Iterator[tuple[Stage, list[forms.BoundField]]]:
        for stage in self.stages:
            kinds = ("received", "submit", "verify", "repair")
            yield stage, [self[f"{kind}-{stage.pk}"] for kind in kinds]

    def deadlines(self) -> list[DeadlineInput]:
        return [
            DeadlineInput(
                stage=stage,
                submit_by=self.cleaned_data.get(f"submit-{stage.pk}"),
                verify_by=self.cleaned_data.get(f"verify-{stage.pk}"),
                repair_days=self.cleaned_data.get(f"repair-{stage.pk}"),
                form_received_on=self.cleaned_data.get(f"received-{stage.pk}"),
            )
            for stage in self.stages
        ]
