"""What a frozen result leaves behind: an insert-only snapshot of the ranking as the Tim
determined it, and the record of each reopening that superseded one.

A snapshot holds the canonical JSON (`scoring.serialize`) of the ranking together with the
instrument version, the team, the absences and the Tim's decisions, and the SHA-256 of that
text; freezing the same data twice gives the same hash. Documents (Berita Acara, SK draft,
Piagam, recap) are rendered from a snapshot, never from live values.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from evaluations.models import Period
from regions.models import InsertOnlyModel


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
