"""Warnings and notes as data: a stable English code, its parameters, and the Indonesian
message template they fill.

The Django layer renders a message through gettext (`message.render(gettext)`); the text
in Indonesian is `message.text` (also `str(message)`). Templates are Indonesian msgids with
named `%(…)s` placeholders, marked with a local `gettext_noop` so that Django's
`makemessages` extracts them although scoring cannot import Django. Codes never change once
published: scripts, stored rankings and translations key on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

Param = str | int | Decimal | tuple[str, ...]


def gettext_noop(message: str) -> str:
    """`message` itself: marks a template for extraction (Django's makemessages looks for
    calls named `gettext_noop`)."""
    return message


def _same(text: str) -> str:
    return text


def shown(value: Param) -> str:
    """A parameter as the Indonesian text prints it: 85,50 for a decimal, names joined with
    commas for a tuple."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


@dataclass(frozen=True)
class Message:
    """One warning or note. `params` are (name, value) pairs; a value is text, a whole number,
    an exact decimal (a score: formatted by whoever renders it) or a tuple of names."""

    code: str
    params: tuple[tuple[str, Param], ...] = ()
    template: str = "%(text)s"

    def render(self, translate: Callable[[str], str] = _same) -> str:
        """The message in the language `translate` gives the template (Indonesian as is)."""
        return translate(self.template) % {name: shown(value) for name, value in self.params}

    @property
    def text(self) -> str:
        """The message in Indonesian."""
        return self.render()

    @property
    def parameters(self) -> Mapping[str, Param]:
        return dict(self.params)

    def __str__(self) -> str:
        return self.text


class Code(StrEnum):
    """The codes of every message the engine writes."""

    # ranking warnings
    INSTRUMENT_NOTE = "instrument_note"
    COUNT_HIGHEST_ZERO = "count_highest_zero"
    SELF_ASSESSMENT_INCOMPLETE = "self_assessment_incomplete"
    SELF_ASSESSMENT_EMPTY = "self_assessment_empty"
    SELF_ASSESSMENT_PARTIAL = "self_assessment_partial"
    MEMBER_NOT_SCORED = "member_not_scored"
    MEMBER_INCOMPLETE = "member_incomplete"
    ABSENT_VALUES_IGNORED = "absent_values_ignored"
    UNASSIGNED_VALUES_IGNORED = "unassigned_values_ignored"
    NOBODY_TOOK_PART = "nobody_took_part"
    SHORTLIST_INCOMPLETE = "shortlist_incomplete"
    SHORTLIST_NOT_SCORABLE = "shortlist_not_scorable"
    SHORTLIST_TIE_UNBROKEN = "shortlist_tie_unbroken"
    INCOMPLETE = "incomplete"
    NOT_SCORABLE = "not_scorable"
    TIE_UNBROKEN = "tie_unbroken"
    TIE_UNDECIDED = "tie_undecided"
    TIE_DECISION_LAPSED = "tie_decision_lapsed"
    EXACT_ORDER_DIFFERS = "exact_order_differs"
    PUBLISHED_ORDER_DIFFERS = "published_order_differs"
    EXACT_BAND_DIFFERS = "exact_band_differs"
    PUBLISHED_BAND_DIFFERS = "published_band_differs"
    EXACT_SHORTLIST_DIFFERS = "exact_shortlist_differs"
    PUBLISHED_SHORTLIST_DIFFERS = "published_shortlist_differs"
    # participant notes
    VALUES_IGNORED = "values_ignored"
    CAPAIAN_TARGET_ZERO = "capaian_target_zero"
    NO_TEAM = "no_team"
    STAGE_NOT_COMPUTED = "stage_not_computed"
    AWARD_WITHHELD = "award_withheld"
    TIE_DECIDED = "tie_decided"
    MEMBER_ABSENT = "member_absent"
    MEMBER_RECUSED = "member_recused"
    TIE_BROKEN_FINAL = "tie_broken_final"
    TIE_BROKEN_STAGE = "tie_broken_stage"
    NOT_SHORTLISTED = "not_shortlisted"
    DISQUALIFIED = "disqualified"
    DISQUALIFIED_REASON = "disqualified_reason"


TEMPLATES: dict[Code, str] = {
    Code.INSTRUMENT_NOTE: gettext_noop("%(text)s"),
    Code.COUNT_HIGHEST_ZERO: gettext_noop(
        "Indikator %(indicator)s tahap %(stage)s: jumlah tertinggi di antara peserta 0; semua "
        "peserta mendapat nilai 0."
    ),
    Code.SELF_ASSESSMENT_INCOMPLETE: gettext_noop(
        "Isian mandiri %(kecamatan)s pada tahap %(stage)s belum lengkap (%(indicators)s); "
        "nilai tahap belum dapat dihitung."
    ),
    Code.SELF_ASSESSMENT_EMPTY: gettext_noop(
        "%(kecamatan)s belum mengisi penilaian mandiri tahap %(stage)s; nilai tahap belum "
        "dapat dihitung."
    ),
    Code.SELF_ASSESSMENT_PARTIAL: gettext_noop(
        "%(kecamatan)s belum lengkap penilaian mandiri tahap %(stage)s; nilai tahap belum "
        "dapat dihitung."
    ),
    Code.MEMBER_NOT_SCORED: gettext_noop(
        "Penilai %(assessor)s belum menilai %(kecamatan)s pada tahap %(stage)s; nilai tahap "
        "menunggu penilaiannya, atau catatan Tapem bahwa ia tidak hadir atau mengundurkan diri."
    ),
    Code.MEMBER_INCOMPLETE: gettext_noop(
        "Penilaian %(assessor)s untuk %(kecamatan)s pada tahap %(stage)s belum lengkap "
        "(%(aspects)s); lembar yang belum lengkap tidak dihitung sebagian, sehingga nilai tahap "
        "menunggu lembar itu lengkap."
    ),
    Code.ABSENT_VALUES_IGNORED: gettext_noop(
        "Nilai dari %(assessor)s untuk %(kecamatan)s pada tahap %(stage)s diabaikan: Tapem "
        "mencatat ia tidak ikut menilai kecamatan ini."
    ),
    Code.UNASSIGNED_VALUES_IGNORED: gettext_noop(
        "Nilai dari %(assessor)s untuk %(kecamatan)s pada tahap %(stage)s diabaikan: ia tidak "
        "ditugaskan menilai kecamatan ini."
    ),
    Code.NOBODY_TOOK_PART: gettext_noop(
        "Tidak ada penilai yang ikut menilai %(kecamatan)s pada tahap %(stage)s (semua "
        "tercatat tidak hadir atau mengundurkan diri); nilai tahap tidak dapat dihitung."
    ),
    Code.SHORTLIST_INCOMPLETE: gettext_noop(
        "%(kecamatan)s belum lengkap dinilai pada tahap %(stage)s (menunggu: %(missing)s), "
        "sehingga tidak ikut penentuan %(size)s besar."
    ),
    Code.SHORTLIST_NOT_SCORABLE: gettext_noop(
        "%(kecamatan)s belum dapat dinilai pada tahap %(stage)s, sehingga tidak ikut "
        "penentuan %(size)s besar."
    ),
    Code.SHORTLIST_TIE_UNBROKEN: gettext_noop(
        "Nilai seri pada batas %(size)s besar tahap %(stage)s yang tidak terpecahkan aturan "
        "nilai seri: %(kecamatan)s; semuanya lolos (%(passed)s peserta)."
    ),
    Code.INCOMPLETE: gettext_noop(
        "%(kecamatan)s belum lengkap dinilai; tidak diperingkat. Menunggu: %(missing)s."
    ),
    Code.NOT_SCORABLE: gettext_noop("%(kecamatan)s belum dapat dinilai; tidak diperingkat."),
    Code.TIE_UNBROKEN: gettext_noop(
        "%(kecamatan)s memiliki nilai akhir sama (%(score)s) yang tidak terpecahkan aturan "
        "nilai seri; semuanya berperingkat %(rank)s."
    ),
    Code.TIE_UNDECIDED: gettext_noop(
        "Seri — diputuskan Tim: %(kecamatan)s memiliki nilai akhir sama (%(score)s) yang tidak "
        "terpecahkan aturan nilai seri dan berbagi peringkat %(rank)s; penghargaan %(tiers)s "
        "ditahan sampai Tapem mencatat keputusan Tim, dan hasil belum dapat dibekukan."
    ),
    Code.TIE_DECISION_LAPSED: gettext_noop(
        "Keputusan Tim atas seri %(kecamatan)s (%(meeting)s) tidak berlaku lagi karena nilai "
        "atau kecamatan yang seri telah berubah; keputusan itu diabaikan."
    ),
    Code.EXACT_ORDER_DIFFERS: gettext_noop(
        "Menurut nilai tepat (sebelum pembulatan), urutan %(kecamatan)s berbeda dari urutan "
        "menurut nilai dua desimal yang diumumkan, yang menentukan peringkat."
    ),
    Code.PUBLISHED_ORDER_DIFFERS: gettext_noop(
        "Menurut nilai dua desimal yang diumumkan, urutan %(kecamatan)s berbeda dari urutan "
        "menurut nilai tepat, yang menentukan peringkat."
    ),
    Code.EXACT_BAND_DIFFERS: gettext_noop(
        "%(kecamatan)s: nilai yang diumumkan %(score)s memberi predikat %(predikat)s; nilai "
        "tepat %(exact)s akan memberi predikat %(other)s."
    ),
    Code.PUBLISHED_BAND_DIFFERS: gettext_noop(
        "%(kecamatan)s: nilai tepat %(exact)s memberi predikat %(predikat)s; nilai yang "
        "diumumkan %(score)s akan memberi predikat %(other)s."
    ),
    Code.EXACT_SHORTLIST_DIFFERS: gettext_noop(
        "Menurut nilai tepat (sebelum pembulatan), %(size)s besar tahap %(stage)s akan berbeda "
        "untuk %(kecamatan)s; yang menentukan adalah nilai dua desimal yang diumumkan."
    ),
    Code.PUBLISHED_SHORTLIST_DIFFERS: gettext_noop(
        "Menurut nilai dua desimal yang diumumkan, %(size)s besar tahap %(stage)s akan berbeda "
        "untuk %(kecamatan)s; yang menentukan adalah nilai tepat."
    ),
    Code.VALUES_IGNORED: gettext_noop(
        "Nilai yang dimasukkan pada tahap %(stage)s diabaikan: %(reason)s."
    ),
    Code.CAPAIAN_TARGET_ZERO: gettext_noop(
        "Tahap %(stage)s: Target indikator %(indicator)s bernilai 0; capaian tidak dapat dihitung."
    ),
    Code.NO_TEAM: gettext_noop("Tahap %(stage)s belum memiliki tim penilai."),
    Code.STAGE_NOT_COMPUTED: gettext_noop("Nilai tahap %(stage)s belum dapat dihitung."),
    Code.AWARD_WITHHELD: gettext_noop(
        "Penghargaan %(tiers)s ditahan: seri dengan %(others)s — diputuskan Tim."
    ),
    Code.TIE_DECIDED: gettext_noop(
        "Seri dengan %(others)s diputuskan Tim (%(meeting)s): urutan %(order)s; alasan: %(reason)s."
    ),
    Code.MEMBER_ABSENT: gettext_noop(
        "Tahap %(stage)s: penilai %(assessor)s tidak hadir (%(reason)s; dicatat oleh "
        "%(recorded_by)s, %(recorded_at)s) dan tidak dihitung dalam rata-rata."
    ),
    Code.MEMBER_RECUSED: gettext_noop(
        "Tahap %(stage)s: penilai %(assessor)s mengundurkan diri (%(reason)s; dicatat oleh "
        "%(recorded_by)s, %(recorded_at)s) dan tidak dihitung dalam rata-rata."
    ),
    Code.TIE_BROKEN_FINAL: gettext_noop(
        "Nilai akhir sama dengan %(others)s (%(score)s); urutan ditentukan oleh aturan nilai "
        "seri (%(rules)s)."
    ),
    Code.TIE_BROKEN_STAGE: gettext_noop(
        "Nilai tahap %(stage)s sama dengan %(others)s (%(score)s); urutan ditentukan oleh "
        "aturan nilai seri (%(rules)s)."
    ),
    Code.NOT_SHORTLISTED: gettext_noop(
        "Tidak masuk %(size)s besar tahap %(stage)s (nilai %(score)s, urutan %(rank)s)."
    ),
    Code.DISQUALIFIED: gettext_noop("Didiskualifikasi."),
    Code.DISQUALIFIED_REASON: gettext_noop("Didiskualifikasi: %(reason)s"),
}


def message(code: Code, **params: Param) -> Message:
    """The engine's message `code` with `params` (in the order given)."""
    return Message(code.value, tuple(params.items()), TEMPLATES[code])


def instrument_note(text: str) -> Message:
    """A warning the instrument set carries (`InstrumentSpec.warnings`), already in words."""
    return message(Code.INSTRUMENT_NOTE, text=text)
