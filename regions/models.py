"""Tenancy: the region (Pemerintah Daerah), its kecamatan and the roles people hold there.

A Region is the tenant. Every other model here belongs to exactly one region and is
reachable only through a django-scopes manager, so a query without an active region
scope raises instead of leaking another region's rows.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from regions.people import PANGKAT_GOLONGAN, validate_nip

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Gunakan huruf kecil, angka dan tanda hubung saja."),
)


# Top-level URL segments that a region slug would shadow.
# `api` and `publik` are kept for the JSON API and the public results pages.
RESERVED_REGION_SLUGS = frozenset({"admin", "akun", "static", "media", "healthz", "api", "publik"})


def validate_region_slug(value: str) -> None:
    if value in RESERVED_REGION_SLUGS:
        raise ValidationError(
            _("Kode URL '%(slug)s' dipakai oleh aplikasi; pilih kode lain.") % {"slug": value}
        )


class Region(models.Model):
    """A Pemerintah Daerah (kota or kabupaten): the tenant."""

    class Kind(models.TextChoices):
        KOTA = "kota", _("Kota")
        KABUPATEN = "kabupaten", _("Kabupaten")

    slug = models.SlugField(
        _("kode URL"),
        max_length=50,
        unique=True,
        validators=[slug_validator, validate_region_slug],
    )
    name = models.CharField(_("nama"), max_length=120, unique=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    head_title = models.CharField(
        _("jabatan kepala daerah"), max_length=40, help_text=_("Misalnya Bupati atau Wali Kota.")
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pemerintah daerah")
        verbose_name_plural = _("pemerintah daerah")
        permissions = [
            ("manage_region", _("Mengelola evaluasi di pemerintah daerah (Admin Tapem)")),
            ("view_results", _("Melihat hasil evaluasi pemerintah daerah")),
            ("score_region", _("Menilai sebagai penilai di pemerintah daerah")),
        ]

    def __str__(self) -> str:
        return self.name


class Kecamatan(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="kecamatan_set")
    slug = models.SlugField(_("kode URL"), max_length=60, validators=[slug_validator])
    name = models.CharField(_("nama"), max_length=120)

    objects = ScopedManager(region="region")

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="kecamatan_unique_slug"),
            models.UniqueConstraint(fields=["region", "name"], name="kecamatan_unique_name"),
        ]
        permissions = [
            ("fill_self_assessment", _("Mengisi penilaian mandiri kecamatan")),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN_TAPEM = "admin_tapem", _("Admin Tapem")
    OPERATOR = "operator", _("Operator kecamatan")
    PENILAI = "penilai", _("Penilai")
    PIMPINAN = "pimpinan", _("Pimpinan")


class Membership(models.Model):
    """A user's role in one region; the readable record behind the guardian permissions.

    An inactive role (Admin Tapem deactivated the user in this region) carries no
    permissions and no entry: the region answers that user as it answers an outsider.
    `status` changes only through `regions.services.region_user_deactivate/reactivate`.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        INACTIVE = "inactive", _("Nonaktif")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="operators",
        help_text=_("Wajib untuk operator kecamatan, kosong untuk peran lain."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        ordering = ["region", "role", "user__username"]
        verbose_name = _("peran pengguna")
        verbose_name_plural = _("peran pengguna")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=(Q(role="operator") & Q(kecamatan__isnull=False))
                | (~Q(role="operator") & Q(kecamatan__isnull=True)),
                name="membership_operator_has_kecamatan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"


class Profile(models.Model):
    """The person behind an account, stored once whatever roles they hold in which regions:
    the name with gelar, NIP, jabatan, pangkat/golongan and instansi printed wherever they
    appear (see `regions.people.person_name`)."""

    class PasswordStatus(models.TextChoices):
        SET = "set", _("dipilih sendiri")
        TEMPORARY = "temporary", _("sementara, harus diganti")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField(
        _("nama lengkap dan gelar"),
        max_length=200,
        blank=True,
        help_text=_("Seperti tertulis di SK, misalnya Dr. Siti Aminah, S.Sos., M.Si."),
    )
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 angka; kosongkan bila bukan PNS (akademisi, tenaga ahli)."),
    )
    jabatan = models.CharField(
        _("jabatan"),
        max_length=200,
        blank=True,
        help_text=_("Misalnya Kepala Bagian Tata Pemerintahan."),
    )
    pangkat = models.CharField(
        _("pangkat/golongan"),
        max_length=10,
        blank=True,
        choices=PANGKAT_GOLONGAN,
        help_text=_("Kosongkan bila bukan PNS."),
    )
    instansi = models.CharField(_("instansi"), max_length=200, blank=True)
    password_status = models.CharField(
        _("kata sandi"),
        max_length=20,
        choices=PasswordStatus.choices,
        default=PasswordStatus.SET,
        help_text=_("Kata sandi sementara harus diganti pemiliknya sebelum membuka halaman lain."),
    )

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("profil pengguna")
        verbose_name_plural = _("profil pengguna")
        constraints = [
            models.UniqueConstraint(
                fields=["nip"],
                condition=~Q(nip=""),
                name="profile_unique_nip",
                violation_error_message=_("NIP ini sudah terdaftar untuk pengguna lain."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or str(self.user)


class InsertOnlyError(Exception):
    """An official record (a transition, a history row, a snapshot) was asked to change."""


class InsertOnlyModel(models.Model):
    """A record that is written once and never changed or deleted by the application.

    `save` refuses an update and `delete` refuses outright; a database trigger
    (`regions.migration_operations.InsertOnlyTable`, one per table)
    refuses an UPDATE written around the ORM as well.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise InsertOnlyError(f"{type(self).__name__} is insert-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN201 - Django's signature
        raise InsertOnlyError(f"{type(self).__name__} is insert-only")


class Transition(InsertOnlyModel):
    """One state change of an object of a region: who, when, from, to and why.

    Written only by `regions.transitions.transition_apply`, the one function through which
    every state (a period's status, a sheet's state, a membership's activity …) changes.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=40, default="status")
    from_state = models.CharField(_("dari"), max_length=40)
    to_state = models.CharField(_("menjadi"), max_length=40)
    reason = models.TextField(_("alasan"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    at = models.DateTimeField(_("waktu"), db_index=True)

    objects = ScopedManager(region="region")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("perubahan status")
        verbose_name_plural = _("perubahan status")
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.from_state} → {self.to_state}"


class Notice(models.Model):
    """A message for one person in one region (a returned or accepted form, a deadline
    coming): shown in the app, and sent by e-mail when the person has an address and SMTP
    is configured. `key` makes a reminder sent twice land once."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("pesan"))
    url = models.CharField(_("tautan"), max_length=300, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(region="region")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_unique_key")]

    def __str__(self) -> str:
        return self.text[:60]


class ApiToken(models.Model):
    """A personal key with which a person's scripts call the JSON API as that person.

    Only the SHA-256 of the key is stored: the key itself is shown once, when it is made.
    A token carries no role of its own: every request it signs is checked against its
    owner's memberships exactly like the owner's browser session.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
