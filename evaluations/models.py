"""A region's evaluation periods: participants, teams and the values entered.

Every model here belongs to exactly one region (through its period) and is reachable only
through a django-scopes manager, so a query without an active region scope raises.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from regions.models import (
    InsertOnlyModel,
    Kecamatan,
    Membership,
    Region,
    Role,
    slug_validator,
)

# Segments under /<region>/periode/ that a period slug would shadow.
RESERVED_PERIOD_SLUGS = frozenset({"baru"})


class Period(models.Model):
    """One evaluation round of a region, run on one version of an instrument set."""

    class Status(models.TextChoices):
        PREPARATION = "preparation", _("Persiapan")
        OPEN = "open", _("Berlangsung")
        CLOSED = "closed", _("Penilaian ditutup")
        FROZEN = "frozen", _("Hasil ditetapkan")
        PUBLISHED = "published", _("Hasil diumumkan")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="periods")
    slug = models.SlugField(_("kode URL"), max_length=50, validators=[slug_validator])
    name = models.CharField(_("nama"), max_length=250)
    year_evaluated = models.PositiveSmallIntegerField(_("tahun yang dinilai"))
    instrument_set = models.ForeignKey(
        "instruments.InstrumentSet", on_delete=models.PROTECT, related_name="periods"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREPARATION
    )
    participants = models.ManyToManyField(
        Kecamatan, through="Participation", related_name="periods"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        ordering = ["-year_evaluated", "slug"]
        verbose_name = _("periode")
        verbose_name_plural = _("periode")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="period_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Also what Django admin checks, which writes around the services.
        errors: dict[str, str] = {}
        if self.slug in RESERVED_PERIOD_SLUGS:
            errors["slug"] = _("Kode URL '%(slug)s' dipakai oleh aplikasi; pilih kode lain.") % {
                "slug": self.slug
            }
        if self.region_id and self.instrument_set_id:
            if self.instrument_set.region_id != self.region_id:
                errors["instrument_set"] = _("Set instrumen bukan milik pemerintah daerah ini.")
            elif self.pk:
                # _base_manager: a model check must not depend on the caller's region scope.
                stored = Period._base_manager.filter(pk=self.pk).values_list(
                    "instrument_set_id", flat=True
                )
                if (
                    stored.first() not in (None, self.instrument_set_id)
                    and ScoreEntry._base_manager.filter(period_id=self.pk).exists()
                ):
                    errors["instrument_set"] = _(
                        "Periode ini sudah memiliki nilai; set instrumennya tidak dapat diganti."
                    )
        if errors:
            raise ValidationError(errors)


class Participation(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="participations")
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="participations"
    )
    disqualified = models.BooleanField(_("tidak dinilai"), default=False)
    disqualification_reason = models.TextField(_("alasan tidak dinilai"), blank=True)

    objects = ScopedManager(region="period__region")

    class Meta:
        ordering = ["period", "kecamatan__name"]
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kecamatan"], name="participation_unique_kecamatan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan} · {self.period}"


class TeamMember(models.Model):
    """A penilai on the team that scores one stage of one period."""

    class Position(models.TextChoices):
        KETUA = "ketua", _("Ketua")
        WAKIL_KETUA = "wakil_ketua", _("Wakil Ketua")
        SEKRETARIS = "sekretaris", _("Sekretaris")
        ANGGOTA = "anggota", _("Anggota")

    class Origin(models.TextChoices):
        # Where the member comes from, as the SK names them: Bekasi's Tim from Perangkat
        # Daerah, Banggai Pasal 14(2) "unsur akademisi", Pekalongan's independent panel.
        KEPALA_DAERAH = "kepala_daerah", _("Kepala daerah")  # Banggai: Bupati, Wakil Bupati
        PERANGKAT_DAERAH = "perangkat_daerah", _("Perangkat daerah")
        AKADEMISI = "akademisi", _("Akademisi")
        INDEPENDEN = "independen", _("Independen")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="team_members")
    stage = models.ForeignKey(
        "instruments.Stage", on_delete=models.PROTECT, related_name="team_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_seats"
    )
    position = models.CharField(
        _("kedudukan"), max_length=20, choices=Position.choices, default=Position.ANGGOTA
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    origin = models.CharField(
        _("unsur"), max_length=20, choices=Origin.choices, blank=True, default=""
    )
    jabatan = models.CharField(
        _("jabatan/instansi dalam SK"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Sebagaimana tertulis di SK, misalnya Asisten Pemerintahan dan Kesra."),
    )
    # Who last changed the seat's position, origin or jabatan, and when (like ScoreEntry).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(region="period__region")

    class Meta:
        ordering = ["period", "stage__order", "order", "user__username"]
        verbose_name = _("anggota tim")
        verbose_name_plural = _("anggota tim")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "stage", "user"], name="teammember_unique_seat"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.stage}"

    def clean(self) -> None:
        # Also what Django admin checks, which writes around `services.teams_set`.
        if not (self.period_id and self.stage_id and self.user_id):
            return
        if self.stage.instrument_set_id != self.period.instrument_set_id:
            raise ValidationError(
                {"stage": _("Tahap tersebut bukan bagian dari set instrumen periode ini.")}
            )
        if not Membership._base_manager.filter(
            user_id=self.user_id, region_id=self.period.region_id, role=Role.PENILAI
        ).exists():
            raise ValidationError(
                {"user": _("Pengguna ini bukan penilai di pemerintah daerah ini.")}
            )


class TeamAppointment(InsertOnlyModel):
    """The SK that appoints one stage's team of a period, as Tapem records it: number, date,
    who signed it (e.g. Keputusan Bupati Banggai Nomor …). Insert-only: the latest row of a
    (period, stage) stands; earlier rows stay as its history (who recorded what, when)."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="appointments")
    stage = models.ForeignKey("instruments.Stage", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("nomor SK"), max_length=150)
    date = models.DateField(_("tanggal SK"))
    issuer = models.CharField(
        _("ditetapkan oleh"),
        max_length=150,
        help_text=_("Pejabat yang menandatangani, misalnya Bupati Banggai."),
    )
    title = models.CharField(
        _("tentang"),
        max_length=300,
        blank=True,
        help_text=_("Misalnya Pembentukan Tim Evaluasi Kinerja Kecamatan Terpadu."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("dicatat pada"))

    objects = ScopedManager(region="period__region")

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("SK pengangkatan tim")
        verbose_name_plural = _("SK pengangkatan tim")

    def __str__(self) -> str:
        return _("Keputusan %(issuer)s Nomor %(number)s") % {
            "issuer": self.issuer,
            "number": self.number,
        }


class MemberAssignment(models.Model):
    """One kecamatan a seated member scores. A seat with no rows scores every participant
    (the default); a seat with rows scores only those: for the others the member is not
    expected, holds no sheet, counts neither as missing nor in the mean, and every write
    path refuses their values."""

    seat = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="assignments")
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("dicatat pada"))

    objects = ScopedManager(region="seat__period__region")

    class Meta:
        verbose_name = _("penugasan penilai")
        verbose_name_plural = _("penugasan penilai")
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "kecamatan"], name="memberassignment_unique_kecamatan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat} · {self.kecamatan}"


class ScoreEntry(models.Model):
    """One value as entered for one kecamatan: by a team member, or by the kecamatan itself.

    `assessor` is null for values the kecamatan enters (self-assessment, "mandiri").
    `part` names the part of a multi-part indicator (fisik/keuangan, target/realisasi).
    """

    # The sheet the value belongs to. period, kecamatan and assessor repeat the sheet's, written
    # together by the sheet service, so the ranking's sums need no join (national scale).
    sheet = models.ForeignKey("Sheet", on_delete=models.PROTECT, related_name="entries")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="score_entries")
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        "instruments.Indicator", on_delete=models.PROTECT, related_name="score_entries"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="score_entries",
    )
    part = models.CharField(_("bagian"), max_length=20, blank=True, default="")
    value = models.DecimalField(_("nilai"), max_digits=14, decimal_places=4, null=True)
    option_code = models.CharField(_("pilihan"), max_length=10, blank=True, default="")
    text = models.TextField(_("uraian"), blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager(region="period__region")

    class Meta:
        verbose_name = _("nilai")
        verbose_name_plural = _("nilai")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kecamatan", "indicator", "assessor", "part"],
                name="scoreentry_unique_assessor_value",
            ),
            models.UniqueConstraint(
                fields=["period", "kecamatan", "indicator", "part"],
                condition=Q(assessor__isnull=True),
                name="scoreentry_unique_kecamatan_value",
            ),
        ]
        indexes = [models.Index(fields=["period", "kecamatan"])]

    def __str__(self) -> str:
        who = self.assessor or "mandiri"
        return (
            f"{self.kecamatan} · {self.indicator_id}{':' + self.part if self.part else ''} · {who}"
        )


class Sheet(models.Model):
    """What one hand enters for one kecamatan in one stage of a period.

    A team member's sheet (`assessor` set) goes draft → final; the kecamatan's own sheet
    (`assessor` null, the self-assessment) goes draft → submitted → returned → submitted …
    → accepted, or disqualified. `version` rises with every change of a value or of the
    state, so a writer holding an older version is refused instead of overwriting.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        FINAL = "final", _("Final")
        SUBMITTED = "submitted", _("Diajukan")
        RETURNED = "returned", _("Dikembalikan untuk perbaikan")
        ACCEPTED = "accepted", _("Diterima")
        DISQUALIFIED = "disqualified", _("Tidak dinilai")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="sheets")
    stage = models.ForeignKey("instruments.Stage", on_delete=models.PROTECT, related_name="+")
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sheets",
    )
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("versi"), default=0)
    # The member's own notes on the sheet (what they heard during the presentation or saw in
    # the field); read by Tapem, never scored. Every change is a `NoteChange`.
    notes = models.TextField(_("catatan penilai"), blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(region="period__region")

    class Meta:
        ordering = ["period", "stage__order", "kecamatan__name", "assessor__username"]
        verbose_name = _("lembar isian")
        verbose_name_plural = _("lembar isian")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "stage", "kecamatan", "assessor"], name="sheet_unique_assessor"
            ),
            models.UniqueConstraint(
                fields=["period", "stage", "kecamatan"],
                condition=Q(assessor__isnull=True),
                name="sheet_unique_kecamatan",
            ),
        ]

    def __str__(self) -> str:
        who = self.assessor or "mandiri"
        return f"{self.kecamatan} · {self.stage_id} · {who}"

    @property
    def is_kecamatan_sheet(self) -> bool:
        return self.assessor_id is None


class ValueChange(InsertOnlyModel):
    """One changed cell of a sheet: who, when, how, old and new. Insert-only; the official
    history of every value (shown on the breakdown page, printed by `score_history`)."""

    class Via(models.TextChoices):
        FORM = "form", _("formulir")
        TABLET = "tablet", _("tablet")
        API = "api", _("API")
        IMPORT = "import", _("unggah xlsx")
        COPY = "copy", _("salinan periode sebelumnya")

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="changes")
    indicator = models.ForeignKey(
        "instruments.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    part = models.CharField(max_length=20, blank=True, default="")
    old_value = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    new_value = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    old_option = models.CharField(max_length=10, blank=True, default="")
    new_option = models.CharField(max_length=10, blank=True, default="")
    old_text = models.TextField(blank=True, default="")
    new_text = models.TextField(blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()
    via = models.CharField(max_length=10, choices=Via.choices)
    idempotency_key = models.CharField(max_length=100, blank=True, default="")

    objects = ScopedManager(region="sheet__period__region")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("riwayat nilai")
        verbose_name_plural = _("riwayat nilai")


class NoteChange(InsertOnlyModel):
    """One change of a member's notes on their sheet: who, when, how, old and new.
    Insert-only, like `ValueChange`; the sheet page lists them as the notes' history."""

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="note_changes")
    old_text = models.TextField(blank=True, default="")
    new_text = models.TextField(blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()
    via = models.CharField(max_length=10, choices=ValueChange.Via.choices)
    idempotency_key = models.CharField(max_length=100, blank=True, default="")

    objects = ScopedManager(region="sheet__period__region")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("riwayat catatan")
        verbose_name_plural = _("riwayat catatan")


class WriteReceipt(models.Model):
    """The first answer to a write with an idempotency key, so a replay (a tablet resending
    its outbox) returns it again and writes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(region="sheet__period__region")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="writereceipt_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class MemberAbsence(InsertOnlyModel):
    """Tapem's record that a seated member takes no part in one kecamatan's stage (or the
    withdrawal of such a record). Insert-only: the latest row of a (period, stage,
    kecamatan, member) says whether an absence stands; earlier rows stay as its history.

    Digest, "Rules for every region" (Perbup Banggai 49/2022 Pasal 10(3), 12(4), 14(7): JA,
    every meeting "dihadiri oleh semua anggota"): a stage score exists only once every seated
    member has completed their sheet for the kecamatan or is recorded here.
    """

    class Kind(models.TextChoices):
        ABSENT = "absent", _("Tidak hadir")
        RECUSED = "recused", _("Mengundurkan diri")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="absences")
    stage = models.ForeignKey("instruments.Stage", on_delete=models.PROTECT, related_name="+")
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="absences"
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    withdrawn = models.BooleanField(
        _("penarikan"), default=False, help_text=_("Baris ini menarik catatan sebelumnya.")
    )
    reason = models.TextField(_("alasan"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("dicatat pada"))

    objects = ScopedManager(region="period__region")

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("ketidakhadiran penilai")
        verbose_name_plural = _("ketidakhadiran penilai")
        indexes = [models.Index(fields=["period", "stage", "kecamatan", "member"])]

    def __str__(self) -> str:
        what = _("penarikan") if self.withdrawn else self.get_kind_display()
        return f"{self.member} · {self.kecamatan} · {what}"


class TieDecision(InsertOnlyModel):
    """The Tim's order for kecamatan whose final scores tie after the set's tie-breaks, as
    Tapem records it: the order, the reason, the meeting, and the score each kecamatan had
    when it was decided (the decision lapses once a score or the tie changes). Insert-only;
    a later decision on the same kecamatan replaces an earlier one, which stays as history.

    `places`: [{"kecamatan": id, "name": name, "score": "85.50"}, …], the higher first.
    """

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="tie_decisions")
    places = models.JSONField(_("urutan"))
    reason = models.TextField(_("alasan"))
    meeting = models.CharField(_("rapat"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("dicatat pada"))

    objects = ScopedManager(region="period__region")

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("keputusan Tim atas nilai seri")
        verbose_name_plural = _("keputusan Tim atas nilai seri")

    def __str__(self) -> str:
        return " > ".join(place["name"] for place in self.places)

    @property
    def kecamatan_ids(self) -> frozenset[int]:
        return frozenset(place["kecamatan"] for place in self.places)


def _private_storage():  # a callable, so tests' storage settings apply
    from django.core.files.storage import storages

    return storages["private"]


class EvidenceQuerySet(models.QuerySet):
    def current(self) -> "EvidenceQuerySet":
        """The files that count: neither replaced nor withdrawn."""
        return self.filter(replaced_by__isnull=True, withdrawal__isnull=True)


EvidenceManager = models.Manager.from_queryset(EvidenceQuerySet)


class Evidence(InsertOnlyModel):
    """One evidence file (data dukung) uploaded for one indicator of a kecamatan's sheet.

    Insert-only. An indicator may hold several files; an upload either adds one or
    `replaces` one of them, which stays in the history (and downloadable by the same
    people). A file the operator withdraws keeps its row and gets an `EvidenceWithdrawal`.
    The current files of an indicator are those nothing replaces and nobody withdrew
    (`Evidence.objects.current()`). The bytes live in the private storage under
    `stored_name` (generated, never derived from the uploaded name); `original_name` is the
    sanitised name for display and the download's file name.
    """

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="evidence")
    indicator = models.ForeignKey(
        "instruments.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(_("nama berkas"), max_length=150)
    stored_name = models.CharField(max_length=200, unique=True)
    size = models.PositiveBigIntegerField(_("ukuran"))
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(_("jenis berkas"), max_length=100)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"))

    objects = ScopedManager(region="sheet__period__region", _manager_class=EvidenceManager)

    class Meta:
        ordering = ["sheet", "indicator", "uploaded_at", "pk"]
        verbose_name = _("data dukung")
        verbose_name_plural = _("data dukung")
        indexes = [models.Index(fields=["sheet", "indicator"])]

    def __str__(self) -> str:
        return self.original_name

    def open(self):  # noqa: ANN201 - a storage File
        return _private_storage().open(self.stored_name, "rb")


class EvidenceWithdrawal(InsertOnlyModel):
    """The operator takes one evidence file back (a wrong file, one too many). A row of its
    own rather than a flag on `Evidence`, so the file's record stays exactly as uploaded and
    the withdrawal has its own who and when; a file is withdrawn at most once."""

    evidence = models.OneToOneField(Evidence, on_delete=models.PROTECT, related_name="withdrawal")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("ditarik pada"))

    objects = ScopedManager(region="evidence__sheet__period__region")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("penarikan data dukung")
        verbose_name_plural = _("penarikan data dukung")

    def __str__(self) -> str:
        return f"{self.evidence} · {self.at:%Y-%m-%d}"


class RepairRequest(InsertOnlyModel):
    """Admin Tapem sends a kecamatan's sheet back for repair: why, and by when (the stage's
    repair days, Banggai Pasal 8(4): at most 2 days). The per-indicator comments are the
    `IndicatorReview` rows that point here."""

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="repair_requests")
    reason = models.TextField(_("alasan"))
    repair_by = models.DateTimeField(_("batas perbaikan"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = ScopedManager(region="sheet__period__region")

    class Meta:
        ordering = ["sheet", "at", "pk"]
        verbose_name = _("permintaan perbaikan")
        verbose_name_plural = _("permintaan perbaikan")


class IndicatorReview(InsertOnlyModel):
    """Admin Tapem's verdict on one indicator of a kecamatan's sheet: verified, or needs
    repair with a comment. Insert-only; the latest row of an indicator is its verdict."""

    class Verdict(models.TextChoices):
        VERIFIED = "verified", _("Sesuai")
        NEEDS_REPAIR = "needs_repair", _("Perlu perbaikan")

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="reviews")
    indicator = models.ForeignKey(
        "instruments.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("hasil verifikasi"), max_length=20, choices=Verdict.choices)
    comment = models.TextField(_("catatan"), blank=True)
    repair_request = models.ForeignKey(
        RepairRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = ScopedManager(region="sheet__period__region")

    class Meta:
        ordering = ["sheet", "at", "pk"]
        verbose_name = _("verifikasi indikator")
        verbose_name_plural = _("verifikasi indikator")


class DisqualificationProposal(InsertOnlyModel):
    """The deadline sweep's finding that a returned kecamatan sheet was still incomplete when
    its repair deadline (`repair_request.repair_by`) passed: a proposal to Tapem to mark the
    kecamatan "tidak dinilai" (Perbup Banggai 49/2022 Pasal 8(5)). At most one per repair
    request; `by` is null (the system). Tapem confirms through `sheet_disqualify` or answers
    with a `ProposalDismissal`."""

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="proposals")
    repair_request = models.OneToOneField(
        RepairRequest, on_delete=models.PROTECT, related_name="proposal"
    )
    deadline = models.DateTimeField(_("batas perbaikan yang lewat"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("diusulkan pada"))

    objects = ScopedManager(region="sheet__period__region")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("usulan tidak dinilai")
        verbose_name_plural = _("usulan tidak dinilai")


class ProposalDismissal(InsertOnlyModel):
    """Tapem declines a disqualification proposal, with the reason; `repair_by`, when set,
    is the new repair deadline (a new `RepairRequest` carries it)."""

    proposal = models.OneToOneField(
        DisqualificationProposal, on_delete=models.PROTECT, related_name="dismissal"
    )
    reason = models.TextField(_("alasan"))
    repair_by = models.DateTimeField(_("batas perbaikan baru"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = ScopedManager(region="proposal__sheet__period__region")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("penolakan usulan tidak dinilai")
        verbose_name_plural = _("penolakan usulan tidak dinilai")


class StageDeadline(models.Model):
    """A period's deadlines for one stage the kecamatan fills: submit by, Tapem verifies by,
    and how many days a returned sheet has for repair. The set gives the rule in days
    (Banggai Pasal 6–8: 5 to fill after receiving the form, 2 to verify, 2 to repair, in
    working days); the date the kecamatan received the form turns it into dates here, and
    Tapem may set other dates."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="stage_deadlines")
    stage = models.ForeignKey("instruments.Stage", on_delete=models.PROTECT, related_name="+")
    form_received_on = models.DateField(_("format isian diterima kecamatan"), null=True, blank=True)
    submit_by = models.DateTimeField(_("batas pengajuan"), null=True, blank=True)
    verify_by = models.DateTimeField(_("batas verifikasi"), null=True, blank=True)
    repair_days = models.PositiveSmallIntegerField(
        _("lama perbaikan (hari)"), null=True, blank=True
    )

    objects = ScopedManager(region="period__region")

    class Meta:
        verbose_name = _("batas waktu tahap")
        verbose_name_plural = _("batas waktu tahap")
        constraints = [
            models.UniqueConstraint(fields=["period", "stage"], name="stagedeadline_unique_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.stage_id}"


class HandOver(InsertOnlyModel):
    """Tapem hands the accepted self-assessments of one stage to the Penilai Kinerja Mandiri
    (Perbup Banggai 49/2022 Pasal 8: proven by a Berita Acara Penyerahan Hasil Penilaian
    Mandiri, signed by the Penilai Kinerja and the Kepala Bagian Tapem): who to whom, when,
    which kecamatan. Insert-only; the Berita Acara is rendered from it at freezing."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey("instruments.Stage", on_delete=models.PROTECT, related_name="+")
    kecamatan = models.JSONField(_("kecamatan"))  # [{"id", "name"}], in name order
    to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("diserahkan pada"))

    objects = ScopedManager(region="period__region")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("penyerahan hasil penilaian mandiri")
        verbose_name_plural = _("penyerahan hasil penilaian mandiri")

    def __str__(self) -> str:
        return f"{self.period} · {self.stage_id} · {len(self.kecamatan)} kecamatan"
