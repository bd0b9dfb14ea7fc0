"""The person behind an account: NIP, pangkat/golongan and how a name with gelar prints.

Pure helpers (no queries); the `Profile` model and the `people` template filters use them.
"""

import re
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NIP_LENGTH = 18

# PNS pangkat and golongan ruang (PP 99/2000 as amended by PP 12/2002), lowest first.
PANGKAT_GOLONGAN = [
    ("I/a", gettext_lazy("Juru Muda (I/a)")),
    ("I/b", gettext_lazy("Juru Muda Tingkat I (I/b)")),
    ("I/c", gettext_lazy("Juru (I/c)")),
    ("I/d", gettext_lazy("Juru Tingkat I (I/d)")),
    ("II/a", gettext_lazy("Pengatur Muda (II/a)")),
    ("II/b", gettext_lazy("Pengatur Muda Tingkat I (II/b)")),
    ("II/c", gettext_lazy("Pengatur (II/c)")),
    ("II/d", gettext_lazy("Pengatur Tingkat I (II/d)")),
    ("III/a", gettext_lazy("Penata Muda (III/a)")),
    ("III/b", gettext_lazy("Penata Muda Tingkat I (III/b)")),
    ("III/c", gettext_lazy("Penata (III/c)")),
    ("III/d", gettext_lazy("Penata Tingkat I (III/d)")),
    ("IV/a", gettext_lazy("Pembina (IV/a)")),
    ("IV/b", gettext_lazy("Pembina Tingkat I (IV/b)")),
    ("IV/c", gettext_lazy("Pembina Utama Muda (IV/c)")),
    ("IV/d", gettext_lazy("Pembina Utama Madya (IV/d)")),
    ("IV/e", gettext_lazy("Pembina Utama (IV/e)")),
]


def nip_digits(value: str) -> str:
    """The NIP as stored: what was typed without its spaces ("19850317 201001 1 003")."""
    return re.sub(r"\s+", "", value or "")


def validate_nip(value: str) -> None:
    """Refuse a NIP that cannot be one, with every reason (spaces are allowed).

    A PNS NIP (PP 9/2003 and Peraturan BKN) is 18 digits: birth date YYYYMMDD, the month of
    TMT CPNS YYYYMM (not before the birth), the sex digit (1 laki-laki, 2 perempuan) and a
    three-digit serial.
    """
    digits = nip_digits(value)
    if not digits.isdigit():
        raise ValidationError(_("NIP hanya boleh berisi angka (spasi boleh)."), code="nip_digits")
    if len(digits) != NIP_LENGTH:
        raise ValidationError(
            _("NIP terdiri dari 18 angka; yang diisi %(count)d angka.") % {"count": len(digits)},
            code="nip_length",
        )
    problems = []
    birth = _date(digits[0:4], digits[4:6], digits[6:8])
    if birth is None or birth > date.today():
        problems.append(
            _(
                "Delapan angka pertama NIP (%(part)s) harus tanggal lahir yang mungkin, "
                "ditulis tahun-bulan-tanggal (TTTTBBHH)."
            )
            % {"part": digits[0:8]}
        )
    tmt = _date(digits[8:12], digits[12:14], "01")
    if tmt is None:
        problems.append(
            _(
                "Angka ke-9 sampai ke-14 NIP (%(part)s) harus bulan TMT CPNS yang mungkin, "
                "ditulis tahun-bulan (TTTTBB, bulan 01–12)."
            )
            % {"part": digits[8:14]}
        )
    elif birth is not None and (tmt.year, tmt.month) < (birth.year, birth.month):
        problems.append(
            _("TMT CPNS pada NIP (%(tmt)s) tidak mungkin sebelum tanggal lahir (%(birth)s).")
            % {"tmt": digits[8:14], "birth": digits[0:8]}
        )
    if digits[14] not in "12":
        problems.append(
            _(
                "Angka ke-15 NIP (%(digit)s) menunjukkan jenis kelamin: 1 untuk laki-laki, "
                "2 untuk perempuan."
            )
            % {"digit": digits[14]}
        )
    if problems:
        raise ValidationError(problems)


def _date(year: str, month: str, day: str) -> date | None:
    if int(year) < 1900:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def format_nip(value: str) -> str:
    """A stored NIP grouped as printed on Indonesian documents: "19850317 201001 1 003"."""
    if len(value) != NIP_LENGTH or not value.isdigit():
        return value
    return f"{value[0:8]} {value[8:14]} {value[14]} {value[15:18]}"


def short_name(full_name: str) -> str:
    """A full name with gelar as written in running text: the front gelar, the name and the
    highest (last) back gelar — "Dr. Siti Aminah, S.Sos., M.Si." → "Dr. Siti Aminah, M.Si."."""
    parts = [part.strip() for part in full_name.split(",") if part.strip()]
    if len(parts) <= 2:
        return ", ".join(parts)
    return f"{parts[0]}, {parts[-1]}"


def profile_of(user: AbstractBaseUser | None) -> object | None:
    """`user.profile`, or None for an account without one (created by createsuperuser)."""
    if user is None:
        return None
    try:
        return user.profile  # type: ignore[attr-defined]
    except (ObjectDoesNotExist, AttributeError):
        return None


def person_name(user: AbstractBaseUser | None) -> str:
    """How the person is named on every page: name with gelar, never the login name unless
    the account has no name at all."""
    if user is None:
        return ""
    profile = profile_of(user)
    if profile is not None and profile.full_name:  # type: ignore[attr-defined]
        return short_name(profile.full_name)  # type: ignore[attr-defined]
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def person_with_jabatan(user: AbstractBaseUser | None) -> str:
    """The name followed by the jabatan: "Dr. Siti Aminah, M.Si. · Kepala Bagian Tapem"."""
    name = person_name(user)
    profile = profile_of(user)
    jabatan = getattr(profile, "jabatan", "")
    return f"{name} · {jabatan}" if jabatan else name
