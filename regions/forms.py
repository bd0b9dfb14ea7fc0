"""Forms of Admin Tapem's user pages; they validate, the services in regions.services write."""

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from regions.models import Kecamatan, Role
from regions.people import PANGKAT_GOLONGAN, nip_digits, validate_nip
from regions.services import MANAGED_ROLES


class NipField(forms.CharField):
    """A NIP as typed (spaces allowed), cleaned to its 18 digits."""

    default_validators = [validate_nip]

    def to_python(self, value: Any) -> str:
        return nip_digits(super().to_python(value))


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nama lengkap dan gelar"),
        max_length=200,
        help_text=_("Seperti tertulis di SK, misalnya Dr. Siti Aminah, S.Sos., M.Si."),
        error_messages={"required": _("Tuliskan nama lengkap beserta gelarnya.")},
    )
    nip = NipField(
        label=_("NIP"),
        required=False,
        help_text=_(
            "18 angka, boleh dengan spasi (19850317 201001 1 003); kosongkan bila bukan PNS, "
            "misalnya akademisi."
        ),
    )
    jabatan = forms.CharField(
        label=_("Jabatan"),
        max_length=200,
        help_text=_("Misalnya Kasi Pemerintahan Kecamatan Bantargebang."),
        error_messages={"required": _("Tuliskan jabatannya.")},
    )
    pangkat = forms.ChoiceField(
        label=_("Pangkat/golongan"),
        choices=[("", _("— bukan PNS —")), *PANGKAT_GOLONGAN],
        required=False,
        error_messages={"invalid_choice": _("Pilih pangkat/golongan dari daftar.")},
    )
    instansi = forms.CharField(
        label=_("Instansi"),
        max_length=200,
        required=False,
        help_text=_("Misalnya Sekretariat Daerah atau Universitas …"),
    )

    def __init__(
        self, *args: Any, kecamatan: QuerySet[Kecamatan], operator: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if operator:
            self.fields["kecamatan"] = forms.ModelChoiceField(
                label=_("Kecamatan"),
                queryset=kecamatan,
                required=False,
                empty_label=_("— pilih kecamatan —"),
                help_text=_("Wajib untuk operator: satu operator mengisi satu kecamatan."),
                error_messages={"invalid_choice": _("Pilih kecamatan dari daftar.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        operator = data.get("role", Role.OPERATOR) == Role.OPERATOR  # the edit form has no role
        missing = "kecamatan" in self.fields and not data.get("kecamatan")
        if operator and missing and "kecamatan" not in self.errors:
            self.add_error("kecamatan", _("Pilih kecamatan yang diisi operator ini."))
        return data


class UserCreateForm(PersonForm):
    username = forms.CharField(
        label=_("Nama pengguna (untuk masuk)"),
        max_length=150,
        help_text=_("Huruf kecil, angka, titik, garis bawah atau tanda hubung, tanpa spasi."),
        validators=[
            RegexValidator(
                r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$",
                _(
                    "Nama pengguna hanya boleh berisi huruf kecil, angka, titik, garis bawah "
                    "dan tanda hubung, tanpa spasi."
                ),
            )
        ],
        error_messages={"required": _("Tuliskan nama pengguna untuk masuk.")},
    )
    role = forms.ChoiceField(
        label=_("Peran"),
        choices=[(role.value, role.label) for role in MANAGED_ROLES],
        error_messages={
            "required": _("Pilih perannya."),
            "invalid_choice": _("Pilih operator kecamatan, penilai atau pimpinan."),
        },
    )

    field_order = ["username", "role", "kecamatan", "full_name", "nip", "jabatan", "pangkat"]

    def __init__(self, *args: Any, kecamatan: QuerySet[Kecamatan], **kwargs: Any) -> None:
        super().__init__(*args, kecamatan=kecamatan, operator=True, **kwargs)
        self.fields["kecamatan"].help_text = _("Hanya untuk operator kecamatan.")
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("role") != Role.OPERATOR:
            data["kecamatan"] = None  # a kecamatan chosen for another role means nothing
        return data


class UserEditForm(PersonForm):
    """The person's facts, and an operator's kecamatan."""


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penonaktifan"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Misalnya pindah tugas atau pensiun; dicatat dalam riwayat."),
        error_messages={
            "required": _("Tuliskan alasan penonaktifan; alasan ini dicatat dalam riwayat.")
        },
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan (tidak wajib)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form in the glossary's words, refusing a "new" password equal to the old
    (or temporary) one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Kata sandi lama")
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        new = data.get("new_password2")
        if new and new == data.get("old_password"):
            self.add_error(
                "new_password2", _("Kata sandi baru harus berbeda dari kata sandi sekarang.")
            )
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_("Untuk apa token ini, misalnya “skrip impor nilai Bagian Tapem”."),
    )
    valid_days = forms.TypedChoiceField(
        label=_("Berlaku"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[
            (30, _("30 hari")),
            (90, _("90 hari")),
            (365, _("1 tahun")),
            ("", _("sampai dicabut")),
        ],
        initial=90,
    )
