"""What a frozen result leaves behind: an insert-only snapshot of the ranking as the Tim
determined it, and the record of each reopening that superseded one.

A snapshot holds the canonical JSON (`scoring.serialize`) of the ranking together with the
instrument version, the team, the absences and the Tim's decisions, and the SHA-256 of that
text; freezing the same data twice gives the same hash. Documents (Berita Acara, SK draft,
Piagam, recap) are rendered from a snapshot, never from live values.
"""

import json
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from evaluations.models import Period
from regions.models import InsertOnlyModel


def documents_storage() -> Storage:
    """Where issued documents are kept (settings.STORAGES["documents"]: private)."""
    return storages["documents"]


class ResultSnapshot(InsertOnlyModel):
    """One freezing of a period's result (Rapat Penetapan / Penentuan Akhir)."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="snapshots")
    number = models.PositiveIntegerField(_("nomor penetapan"))  # 1, 2, … within the period
    payload = models.TextField(_("data hasil (JSON kanonik)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    engine_version = models.CharField(_("versi mesin penilaian"), max_length=20)
    meeting_date = models.DateField(_("tanggal rapat"))
    meeting_place = models.CharField(_("tempat rapat"), max_length=300, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    frozen_at = models.DateTimeField(_("ditetapkan pada"))

    objects = ScopedManager(region="period__region")

    class Meta:
        ordering = ["period", "number"]
        verbose_name = _("penetapan hasil")
        verbose_name_plural = _("penetapan hasil")
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="snapshot_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.number} · {self.sha256[:12]}"

    @cached_property
    def data(self) -> dict[str, Any]:
        """The payload as data."""
        return json.loads(self.payload)


class SnapshotReopening(InsertOnlyModel):
    """Tapem reopened a frozen result: the snapshot is superseded (kept, and still
    verifiable as superseded), and the period takes changes again."""

    snapshot = models.OneToOneField(
        ResultSnapshot, on_delete=models.PROTECT, related_name="reopening"
    )
    reason = models.TextField(_("alasan"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("dibuka kembali pada"))

    objects = ScopedManager(region="snapshot__period__region")

    class Meta:
        verbose_name = _("pembukaan kembali hasil")
        verbose_name_plural = _("pembukaan kembali hasil")

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.at:%Y-%m-%d}"


class DocumentSettings(models.Model):
    """How a region's documents look and who signs them (Tapem edits; the demo seeds).

    Which stages need a Berita Acara is here too, because it is the region's text that
    says so (Perbup Banggai 49/2022: a Berita Acara Penyerahan for stage 1, Pasal 8; a
    Berita Acara for each weighting meeting, Pasal 10(3) and 12(4))."""

    class Paper(models.TextChoices):
        A4 = "A4", _("A4 (210 × 297 mm)")
        F4 = "F4", _("F4/Folio (215 × 330 mm)")

    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="document_settings"
    )
    kop_lines = models.TextField(
        _("kop surat"),
        blank=True,
        help_text=_("Baris kop di bawah nama pemerintah daerah, satu baris per baris."),
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    place = models.CharField(_("tempat penetapan"), max_length=100, blank=True)
    head_name = models.CharField(_("nama kepala daerah"), max_length=200, blank=True)
    tapem_head_name = models.CharField(_("nama Kepala Bagian Tapem"), max_length=200, blank=True)
    tapem_head_nip = models.CharField(_("NIP Kepala Bagian Tapem"), max_length=30, blank=True)
    tapem_head_title = models.CharField(
        _("jabatan Kepala Bagian Tapem"),
        max_length=200,
        default="Kepala Bagian Tata Pemerintahan",
    )
    paper = models.CharField(_("ukuran kertas"), max_length=2, choices=Paper.choices, default="F4")
    lambang = models.BinaryField(_("lambang (PNG/JPEG)"), blank=True, null=True, editable=True)
    lambang_type = models.CharField(max_length=20, blank=True)
    penyerahan_stage = models.CharField(
        _("tahap berita acara penyerahan"), max_length=30, blank=True
    )
    pembobotan_stages = models.CharField(
        _("tahap berita acara pembobotan"),
        max_length=200,
        blank=True,
        help_text=_("Kode tahap, dipisah koma."),
    )

    followup_predikat = models.CharField(
        _("predikat yang dibina"),
        max_length=300,
        blank=True,
        help_text=_(
            "Predikat yang mendapat pembinaan, dipisah koma (Banggai: Kurang, Kurang Sekali)."
        ),
    )
    followup_months = models.PositiveSmallIntegerField(_("lama pembinaan (bulan)"), default=3)
    followup_pd = models.CharField(_("perangkat daerah pembina"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pengaturan dokumen")
        verbose_name_plural = _("pengaturan dokumen")

    def __str__(self) -> str:
        return str(self.region)

    @property
    def followup_labels(self) -> set[str]:
        return {label.strip() for label in self.followup_predikat.split(",") if label.strip()}

    @property
    def pembobotan_stage_codes(self) -> list[str]:
        return [code.strip() for code in self.pembobotan_stages.split(",") if code.strip()]


class Document(models.Model):
    """One document of a snapshot, rendered by a Celery task, stored privately with its
    SHA-256 and a short code its QR links to. Requested once per (snapshot, kind, subject,
    format): a second request or a retried task yields the same single document."""

    class Kind(models.TextChoices):  # the names are a public contract
        BERITA_ACARA_PENYERAHAN = "berita_acara_penyerahan", _("Berita Acara Penyerahan")
        BERITA_ACARA_PEMBOBOTAN = "berita_acara_pembobotan", _("Berita Acara Pembobotan")
        BERITA_ACARA_PENETAPAN = "berita_acara_penetapan", _("Berita Acara Penetapan")
        SK_DRAFT = "sk_draft", _("Rancangan Keputusan")
        PIAGAM = "piagam", _("Piagam Penghargaan")
        REKAP = "rekap", _("Rekapitulasi (xlsx)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        RENDERED = "rendered", _("Siap diunduh")
        FAILED = "failed", _("Gagal")

    snapshot = models.ForeignKey(ResultSnapshot, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("jenis"), max_length=40, choices=Kind.choices)
    subject = models.CharField(_("untuk"), max_length=60, blank=True)  # stage or kecamatan
    file_format = models.CharField(_("format"), max_length=5, default="pdf")
    code = models.CharField(_("kode verifikasi"), max_length=12, unique=True)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    file = models.FileField(storage=documents_storage, upload_to="%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(region="snapshot__period__region")

    class Meta:
        ordering = ["snapshot", "kind", "subject", "file_format"]
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "kind", "subject", "file_format"], name="document_unique"
            )
        ]

    def __str__(self) -> str:
        subject = f" {self.subject}" if self.subject else ""
        return f"{self.get_kind_display()}{subject} ({self.file_format})"

    @property
    def subject_label(self) -> str:
        """The kecamatan or stage the document is for, by name (from its snapshot)."""
        if not self.subject:
            return ""
        data = self.snapshot.data
        names = {r["key"]: r["kecamatan"] for r in data["ranking"]["results"]}
        names |= {s["code"]: s["name"] for s in data["instrument_set"].get("stages", [])}
        return names.get(self.subject, self.subject)

    @property
    def filename(self) -> str:
        subject = f"-{self.subject}" if self.subject else ""
        period = self.snapshot.period
        return f"{self.kind}{subject}-{period.region.slug}-{period.slug}.{self.file_format}"


class FollowUp(models.Model):
    """Pembinaan of a kecamatan whose frozen predikat calls for it (Perbup Banggai 49/2022
    Pasal 23–24: Kurang and Kurang Sekali get pembinaan by the responsible PD for three
    months, then a written re-evaluation report). Opened when a result is frozen; Tapem
    records the report, which closes it."""

    snapshot = models.ForeignKey(ResultSnapshot, on_delete=models.PROTECT, related_name="+")
    kecamatan = models.ForeignKey("regions.Kecamatan", on_delete=models.PROTECT, related_name="+")
    predikat = models.CharField(_("predikat"), max_length=120)
    responsible = models.CharField(_("perangkat daerah pembina"), max_length=300, blank=True)
    due = models.DateField(_("batas laporan"))
    report = models.TextField(_("laporan evaluasi ulang"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(region="snapshot__period__region")

    class Meta:
        ordering = ["due", "kecamatan__name"]
        verbose_name = _("pembinaan")
        verbose_name_plural = _("pembinaan")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "kecamatan"], name="followup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan} · {self.predikat}"
