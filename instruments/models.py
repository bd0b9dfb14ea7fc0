"""A region's regulation expressed as data.

InstrumentSet → Stage (tahap) → Aspect (kriteria/aspek) → Indicator → Option, plus the
predicate bands, tie-break rules and award tiers of the set. Every number a regulation
prints lives in these rows; `scoring/` only knows the vocabulary of rules (the choices
below) and reads the numbers from here.

Every level carries `reference` (the Pasal or Lampiran that sets it, or who decided where the
text is silent) and `assumption`: when the regulation is silent and the product decided,
the decision is written there and shown to Tapem next to the number it concerns.
"""

from enum import StrEnum

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from instruments.limits import validate_presentation_limits
from regions import formatting
from scoring.rules import (
    UNSCORED_KINDS,
    AspectCombine,
    DecisionBasis,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    MemberCombine,
    PredicateRounding,
)

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
    _("Kode hanya boleh berisi huruf, angka, titik, garis bawah dan tanda hubung."),
)

SCORE_FIELD = {"max_digits": 12, "decimal_places": 4}


LABELS = {
    IndicatorKind.CHOICE: _("Pilihan berganda dengan skor"),
    IndicatorKind.YES_NO: _("Ya/tidak"),
    IndicatorKind.SCORE: _("Nilai dalam rentang"),
    IndicatorKind.PERCENTAGE: _("Persentase"),
    IndicatorKind.PERCENTAGE_PAIR: _("Pasangan persentase berbobot"),
    IndicatorKind.COUNT_NORMALISED: _("Jumlah dibandingkan dengan peserta tertinggi"),
    IndicatorKind.CAPAIAN: _("Capaian target/realisasi"),
    IndicatorKind.TEXT: _("Uraian (tanpa skor)"),
    IndicatorKind.FILE: _("Berkas saja (tanpa skor)"),
    EnteredBy.TEAM: _("Setiap anggota tim"),
    EnteredBy.KECAMATAN: _("Kecamatan (mandiri)"),
    AspectCombine.WEIGHTED_SUM: _("Jumlah berbobot"),
    AspectCombine.SUM: _("Jumlah"),
    AspectCombine.MEAN: _("Rata-rata"),
    MemberCombine.MEAN_OF_MEMBER_TOTALS: _("Rata-rata total tiap anggota"),
    MemberCombine.SUM_OF_ASPECT_MEANS: _("Gabungan rata-rata tiap aspek atas anggota"),
    FinalCombine.SINGLE_STAGE: _("Nilai tahap terakhir"),
    FinalCombine.MEAN_OF_STAGES: _("Rata-rata nilai tahap"),
    FinalCombine.WEIGHTED_STAGES: _("Jumlah berbobot nilai tahap"),
    PredicateRounding.NONE: _("Tanpa pembulatan (dua desimal)"),
    PredicateRounding.HALF_UP_INTEGER: _("Dibulatkan setengah ke atas ke bilangan bulat"),
    DecisionBasis.PUBLISHED: _("Skor terbitan dua desimal (dibulatkan setengah ke atas)"),
    DecisionBasis.EXACT: _("Skor tepat (tanpa pembulatan)"),
}


def _choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, LABELS[member]) for member in enum]


class AssumptionMixin(models.Model):
    reference = models.CharField(
        _("rujukan"),
        max_length=250,
        blank=True,
        help_text=_(
            "Pasal, ayat, huruf atau lampiran yang menetapkan bagian ini, misalnya "
            "Pasal 14 ayat (2) huruf a–d atau Lampiran I angka 2; bila teks diam, tulis siapa "
            "yang memutuskan, misalnya Keputusan Tim (asumsi)."
        ),
    )
    assumption = models.TextField(
        _("asumsi"),
        blank=True,
        help_text=_(
            "Isi bila angka atau aturan ini adalah keputusan karena regulasi diam atau "
            "bertentangan; catatan ini ditampilkan kepada Tapem."
        ),
    )

    class Meta:
        abstract = True

    @property
    def is_assumed(self) -> bool:
        return bool(self.assumption.strip())


class InstrumentSet(AssumptionMixin):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        FROZEN = "frozen", _("Dibekukan")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="instrument_sets"
    )
    code = models.SlugField(
        _("kode"), max_length=60, help_text=_("Kode yang sama untuk semua versi satu regulasi.")
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    name = models.CharField(_("nama"), max_length=250)
    legal_number = models.CharField(_("nomor dasar hukum"), max_length=200)
    legal_date = models.DateField(_("tanggal dasar hukum"), null=True, blank=True)
    legal_title = models.CharField(_("judul dasar hukum"), max_length=500)
    description = models.TextField(_("keterangan"), blank=True)
    regulation_conflict = models.TextField(
        _("pertentangan dalam regulasi"),
        blank=True,
        help_text=_(
            "Bila teks regulasi saling bertentangan, jelaskan di sini; catatan ini tampil "
            "sebagai peringatan pada set, peringkat dan dokumen."
        ),
    )
    final_combine = models.CharField(
        _("rumus nilai akhir"), max_length=30, choices=_choices(FinalCombine)
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    predicate_name = models.CharField(
        _("nama predikat"), max_length=120, blank=True, default="Predikat"
    )
    predicate_rounding = models.CharField(
        _("pembulatan sebelum predikat"),
        max_length=30,
        choices=_choices(PredicateRounding),
        default=PredicateRounding.NONE,
    )
    decision_basis = models.CharField(
        _("dasar keputusan"),
        max_length=20,
        choices=_choices(DecisionBasis),
        default=DecisionBasis.PUBLISHED,
        help_text=_(
            "Skor yang menentukan peringkat, nilai seri, daftar pendek dan predikat. Tidak ada "
            "regulasi yang mengatur pembulatan; tulis keputusannya pada asumsi set."
        ),
    )
    award_for_others = models.CharField(
        _("penghargaan peserta lain"),
        max_length=250,
        blank=True,
        help_text=_("Penghargaan bagi peserta yang tidak mendapat peringkat berhadiah."),
    )
    working_days = models.BooleanField(
        _("batas waktu dihitung dalam hari kerja"),
        default=False,
        help_text=_(
            "Hari kerja: Senin sampai Jumat, di luar hari libur nasional dan cuti bersama. "
            "Bila tidak dicentang, hari kalender."
        ),
    )
    previous_version = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(region="region")

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("set instrumen")
        verbose_name_plural = _("set instrumen")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code", "version"], name="instrumentset_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.FROZEN


class Stage(AssumptionMixin):
    instrument_set = models.ForeignKey(
        InstrumentSet, on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    code = models.CharField(_("kode"), max_length=30, validators=[code_validator])
    name = models.CharField(_("nama tahap"), max_length=250)
    scorer_label = models.CharField(
        _("penilai tahap"),
        max_length=250,
        help_text=_("Siapa yang menilai, misalnya Tim Verifikasi Lapangan."),
    )
    member_combine = models.CharField(
        _("penggabungan nilai anggota"), max_length=40, choices=_choices(MemberCombine)
    )
    aspect_combine = models.CharField(
        _("penggabungan aspek"), max_length=30, choices=_choices(AspectCombine)
    )
    weight = models.DecimalField(_("bobot tahap (%)"), null=True, blank=True, **SCORE_FIELD)
    max_score = models.DecimalField(_("nilai maksimal tahap"), **SCORE_FIELD)
    shortlist_size = models.PositiveSmallIntegerField(
        _("jumlah lolos ke tahap berikut"),
        null=True,
        blank=True,
        help_text=_("Kosongkan bila semua peserta lanjut ke tahap berikutnya."),
    )
    disqualify_if_incomplete = models.BooleanField(
        _("tidak dinilai bila tetap tidak lengkap setelah perbaikan"), default=False
    )
    disqualification_reason = models.CharField(
        _("alasan tidak dinilai"),
        max_length=250,
        blank=True,
        help_text=_(
            "Kalimat yang tercantum pada hasil bagi kecamatan yang tidak dinilai, dengan "
            "rujukannya, misalnya tidak dilakukan penilaian dan tidak mendapatkan bobot nilai "
            "(Pasal 8 ayat (5))."
        ),
    )
    min_team_size = models.PositiveSmallIntegerField(_("anggota tim minimal"), default=1)
    deadline_note = models.CharField(_("batas waktu"), max_length=250, blank=True)
    submit_days = models.PositiveSmallIntegerField(
        _("lama pengisian (hari)"),
        null=True,
        blank=True,
        help_text=_("Sejak kecamatan menerima format isian sampai batas pengajuan."),
    )
    verify_days = models.PositiveSmallIntegerField(
        _("lama verifikasi (hari)"),
        null=True,
        blank=True,
        help_text=_("Sejak lembar diajukan sampai Tapem selesai memeriksa kelengkapannya."),
    )
    repair_days = models.PositiveSmallIntegerField(
        _("lama perbaikan (hari)"),
        null=True,
        blank=True,
        help_text=_("Sejak lembar dikembalikan sampai batas pengajuan ulang."),
    )
    presentation_limits = models.JSONField(
        _("batas waktu pemaparan"),
        default=dict,
        blank=True,
        validators=[validate_presentation_limits],
        help_text=_(
            "Fase pemaparan dengan batas menitnya, batas halaman bahan paparan dan rujukannya; "
            "penghitung waktu di layar tablet penilai membacanya. Kosongkan ({}) bila tahap ini "
            "tanpa pemaparan."
        ),
    )

    objects = ScopedManager(region="instrument_set__region")

    class Meta:
        ordering = ["instrument_set", "order"]
        verbose_name = _("tahap")
        verbose_name_plural = _("tahap")
        constraints = [
            models.UniqueConstraint(fields=["instrument_set", "code"], name="stage_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_deadline_rule(self) -> bool:
        """Whether the set gives this stage's deadlines in days (to fill, verify, repair)."""
        return any(
            days is not None for days in (self.submit_days, self.verify_days, self.repair_days)
        )


class Aspect(AssumptionMixin):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="aspects")
    order = models.PositiveSmallIntegerField(_("urutan"))
    code = models.CharField(_("kode"), max_length=30, validators=[code_validator])
    name = models.CharField(_("nama aspek"), max_length=250)
    weight = models.DecimalField(_("bobot (%)"), null=True, blank=True, **SCORE_FIELD)
    max_score = models.DecimalField(_("nilai maksimal"), **SCORE_FIELD)
    indicator_combine = models.CharField(
        _("penggabungan indikator"), max_length=30, choices=_choices(AspectCombine)
    )
    counts_toward_total = models.BooleanField(
        _("dihitung dalam nilai"),
        default=True,
        help_text=_("Matikan untuk indikator penunjang yang hanya memecah nilai seri."),
    )

    objects = ScopedManager(region="stage__instrument_set__region")

    class Meta:
        ordering = ["stage", "order"]
        verbose_name = _("aspek")
        verbose_name_plural = _("aspek")
        constraints = [
            models.UniqueConstraint(fields=["stage", "code"], name="aspect_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(AssumptionMixin):
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("urutan"))
    code = models.CharField(_("kode"), max_length=30, validators=[code_validator])
    group = models.CharField(_("kelompok"), max_length=250, blank=True)
    text = models.TextField(_("pertanyaan/uraian"))
    guidance = models.TextField(_("fokus penilaian"), blank=True)
    help_text = models.TextField(_("petunjuk pengisian"), blank=True)
    kind = models.CharField(_("jenis"), max_length=30, choices=_choices(IndicatorKind))
    entered_by = models.CharField(
        _("diisi oleh"), max_length=20, choices=_choices(EnteredBy), default=EnteredBy.TEAM
    )
    min_value = models.DecimalField(_("nilai minimal"), null=True, blank=True, **SCORE_FIELD)
    max_value = models.DecimalField(_("nilai maksimal"), null=True, blank=True, **SCORE_FIELD)
    integer_only = models.BooleanField(_("hanya bilangan bulat"), default=False)
    weight = models.DecimalField(_("bobot dalam aspek (%)"), null=True, blank=True, **SCORE_FIELD)
    evidence_required = models.BooleanField(_("wajib data dukung"), default=False)
    evidence_note = models.CharField(_("data dukung"), max_length=500, blank=True)
    evidence_types = models.CharField(
        _("jenis berkas data dukung"),
        max_length=60,
        blank=True,
        help_text=_(
            "Jenis berkas yang diterima, dipisah koma: pdf, jpeg, png, docx, xlsx. Kosongkan "
            "untuk menerima semuanya."
        ),
    )
    informational = models.BooleanField(
        _("hanya informasi (tanpa skor)"),
        default=False,
        help_text=_(
            "Isian kecamatan yang ditampilkan kepada penilai tetapi tidak dinilai dan tidak "
            "wajib untuk kelengkapan, misalnya IKU dengan target dan realisasi."
        ),
    )
    kecamatan_answers = models.BooleanField(
        _("dijawab juga oleh kecamatan"),
        default=False,
        help_text=_(
            "Indikator tim yang juga dijawab kecamatan pada penilaian mandiri: jawaban itu "
            "menjadi titik awal lembar setiap penilai dan tidak pernah dihitung."
        ),
    )
    params = models.JSONField(
        _("parameter rumus"),
        default=dict,
        blank=True,
        help_text=_("Bobot bagian (persentase ganda) atau polaritas (capaian)."),
    )

    objects = ScopedManager(region="aspect__stage__instrument_set__region")

    class Meta:
        ordering = ["aspect", "order"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [
            models.UniqueConstraint(fields=["aspect", "code"], name="indicator_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def scored(self) -> bool:
        """Whether the indicator's values make a score (`IndicatorSpec.scored`)."""
        return self.kind not in UNSCORED_KINDS and not self.informational


class Option(AssumptionMixin):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("urutan"))
    code = models.CharField(_("kode"), max_length=10, validators=[code_validator])
    label = models.TextField(_("pilihan"))
    score = models.DecimalField(_("skor"), **SCORE_FIELD)

    objects = ScopedManager(region="indicator__aspect__stage__instrument_set__region")

    class Meta:
        ordering = ["indicator", "order"]
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = _("pilihan jawaban")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="option_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}) {self.label}"


class PredicateBand(AssumptionMixin):
    """One predikat/status band: `lower` and `upper` bounds, each inclusive or not."""

    instrument_set = models.ForeignKey(
        InstrumentSet, on_delete=models.CASCADE, related_name="predicate_bands"
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    label = models.CharField(_("predikat"), max_length=120)
    lower = models.DecimalField(_("batas bawah"), null=True, blank=True, **SCORE_FIELD)
    lower_inclusive = models.BooleanField(_("batas bawah termasuk"), default=True)
    upper = models.DecimalField(_("batas atas"), null=True, blank=True, **SCORE_FIELD)
    upper_inclusive = models.BooleanField(_("batas atas termasuk"), default=True)
    consequence = models.TextField(_("tindak lanjut"), blank=True)

    objects = ScopedManager(region="instrument_set__region")

    class Meta:
        ordering = ["instrument_set", "order"]
        verbose_name = _("rentang predikat")
        verbose_name_plural = _("rentang predikat")

    def __str__(self) -> str:
        return self.label

    @property
    def range_display(self) -> str:
        """As the regulation prints it: "≤ 30", "> 85", "31 – 60"."""
        return formatting.band(self.lower, self.lower_inclusive, self.upper, self.upper_inclusive)


class TieBreakRule(AssumptionMixin):
    """Decides equal published scores: the mean of an aspect's or an indicator's scores."""

    instrument_set = models.ForeignKey(
        InstrumentSet, on_delete=models.CASCADE, related_name="tie_break_rules"
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    higher_wins = models.BooleanField(_("nilai lebih tinggi menang"), default=True)
    description = models.CharField(_("keterangan"), max_length=500, blank=True)

    objects = ScopedManager(region="instrument_set__region")

    class Meta:
        ordering = ["instrument_set", "order"]
        verbose_name = _("aturan nilai seri")
        verbose_name_plural = _("aturan nilai seri")

    def __str__(self) -> str:
        return self.description or str(self.indicator or self.aspect)


class AwardTier(AssumptionMixin):
    instrument_set = models.ForeignKey(
        InstrumentSet, on_delete=models.CASCADE, related_name="award_tiers"
    )
    rank = models.PositiveSmallIntegerField(_("peringkat"))
    label = models.CharField(_("penghargaan"), max_length=120)
    prizes = models.CharField(_("hadiah"), max_length=500, blank=True)

    objects = ScopedManager(region="instrument_set__region")

    class Meta:
        ordering = ["instrument_set", "rank"]
        verbose_name = _("tingkat penghargaan")
        verbose_name_plural = _("tingkat penghargaan")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_set", "rank"], name="awardtier_unique_rank"
            ),
        ]

    def __str__(self) -> str:
        return self.label
