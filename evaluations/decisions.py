"""What Tapem records for the Tim besides values: a member's absence or recusal for one
kecamatan's stage (and its withdrawal), and the Tim's order for a tie the tie-breaks leave.

Both are insert-only records (`MemberAbsence`, `TieDecision`) that the scoring input reads
(`evaluations.scoring_input.standing_absences` / `standing_tie_decisions`). The services
below are the only writers; the browser and the commands `member_absent` and
`tie_decision` call them, so the same refusals reach every path.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from evaluations.access import PeriodAction, period_ensure
from evaluations.models import (
    MemberAbsence,
    MemberAssignment,
    Participation,
    Period,
    TeamMember,
    TieDecision,
)
from evaluations.scoring_input import standing_absences
from evaluations.selectors import ranking_for_period
from instruments.models import Stage
from regions.models import Kecamatan
from regions.people import person_name
from scoring import rounding
from scoring.structures import Ranking


def _locked(period: Period) -> Period:
    """`period` locked for the write and checked for it: a closed period refuses."""
    locked = Period.objects.select_for_update().select_related("region").get(pk=period.pk)
    period_ensure(period=locked, action=PeriodAction.RECORD_DECISIONS)
    return locked


def _standing(
    period: Period, stage: Stage, kecamatan: Kecamatan, member: AbstractBaseUser
) -> MemberAbsence | None:
    return next(
        (
            row
            for row in standing_absences(period=period)
            if (row.stage_id, row.kecamatan_id, row.member_id)
            == (stage.pk, kecamatan.pk, member.pk)
        ),
        None,
    )


def _where(stage: Stage, kecamatan: Kecamatan, member: AbstractBaseUser) -> dict[str, str]:
    return {"member": person_name(member), "stage": stage.name, "kecamatan": kecamatan.name}


@transaction.atomic
def absence_record(
    *,
    period: Period,
    stage: Stage,
    kecamatan: Kecamatan,
    member: AbstractBaseUser,
    kind: str,
    reason: str,
    by: AbstractBaseUser | None,
) -> MemberAbsence:
    """Record that `member`, seated on `stage`'s team, takes no part in `kecamatan`'s
    stage: the mean then divides by the members who took part, and the result names them."""
    period = _locked(period)
    reason = reason.strip()
    where = _where(stage, kecamatan, member)
    if kind not in MemberAbsence.Kind.values:
        raise ValidationError(_("Jenis ketidakhadiran tidak dikenal."))
    if not reason:
        raise ValidationError(
            _("Tuliskan alasan ketidakhadiran; alasan dicatat dalam berita acara.")
        )
    if stage.instrument_set_id != period.instrument_set_id:
        raise ValidationError(_("Tahap tersebut bukan bagian dari set instrumen periode ini."))
    if not TeamMember.objects.filter(period=period, stage=stage, user=member).exists():
        raise ValidationError(
            _("%(member)s tidak duduk di tim tahap %(stage)s; ketidakhadirannya tidak dicatat.")
            % where
        )
    if not Participation.objects.filter(period=period, kecamatan=kecamatan).exists():
        raise ValidationError(_("%(kecamatan)s bukan peserta periode ini.") % where)
    assigned = set(
        MemberAssignment.objects.filter(
            seat__period=period, seat__stage=stage, seat__user=member
        ).values_list("kecamatan_id", flat=True)
    )
    if assigned and kecamatan.pk not in assigned:
        raise ValidationError(
            _(
                "%(member)s tidak ditugaskan menilai %(kecamatan)s pada tahap %(stage)s, jadi "
                "memang tidak ditunggu; tidak ada yang perlu dicatat."
            )
            % where
        )
    if _standing(period, stage, kecamatan, member) is not None:
        raise ValidationError(
            _(
                "Ketidakhadiran %(member)s untuk %(kecamatan)s pada tahap %(stage)s sudah "
                "tercatat; tarik dahulu catatan itu untuk mengubahnya."
            )
            % where
        )
    return _absence_row(period, stage, kecamatan, member, kind, reason, by, withdrawn=False)


# How a recusal for a conflict of interest reads in the records and the Berita Acara, by who
# raised it: the member on the tablet (`evaluations.tablet.conflict_declare`) or Tapem.
# The kind a form or the command offers for it besides MemberAbsence.Kind (stored as recused).
CONFLICT = "conflict"
CONFLICT_RECORDED_BY_TAPEM = gettext_noop("Konflik kepentingan (dicatat Tapem): %(reason)s")


def conflict_record(
    *,
    period: Period,
    stage: Stage,
    kecamatan: Kecamatan,
    member: AbstractBaseUser,
    reason: str,
    by: AbstractBaseUser | None,
) -> MemberAbsence:
    """Tapem records a member's conflict of interest for one kecamatan (e.g. their former
    post there): a recusal whose reason says so, so the mean leaves the member out, the
    member can no longer open that sheet and the Berita Acara says why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Tuliskan konflik kepentingannya, misalnya: pernah menjabat Camat di kecamatan ini.")
        )
    return absence_record(
        period=period,
        stage=stage,
        kecamatan=kecamatan,
        member=member,
        kind=MemberAbsence.Kind.RECUSED,
        reason=_(CONFLICT_RECORDED_BY_TAPEM) % {"reason": reason},
        by=by,
    )


def _absence_row(
    period: Period,
    stage: Stage,
    kecamatan: Kecamatan,
    member: AbstractBaseUser,
    kind: str,
    reason: str,
    by: AbstractBaseUser | None,
    *,
    withdrawn: bool,
) -> MemberAbsence:
    return MemberAbsence.objects.create(
        period=period, stage=stage, kecamatan=kecamatan, member=member, kind=kind,
        withdrawn=withdrawn, reason=reason, recorded_by=by, recorded_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def absence_withdraw(
    *,
    period: Period,
    stage: Stage,
    kecamatan: Kecamatan,
    member: AbstractBaseUser,
    reason: str,
    by: AbstractBaseUser | None,
) -> MemberAbsence:
    """Withdraw the standing absence of `member` for `kecamatan`'s stage: their sheet counts
    again (and until it is complete, the stage waits for it). The record stays."""
    period = _locked(period)
    reason = reason.strip()
    where = _where(stage, kecamatan, member)
    if not reason:
        raise ValidationError(_("Tuliskan alasan penarikan catatan ketidakhadiran."))
    standing = _standing(period, stage, kecamatan, member)
    if standing is None:
        raise ValidationError(
            _(
                "Tidak ada catatan ketidakhadiran %(member)s untuk %(kecamatan)s pada tahap "
                "%(stage)s yang dapat ditarik."
            )
            % where
        )
    return _absence_row(period, stage, kecamatan, member, standing.kind, reason, by, withdrawn=True)


@dataclass(frozen=True)
class Tie:
    """Kecamatan that share a place after the tie-breaks, as the ranking stands now: the
    groups a decision of the Tim may order (`decided`: one already orders it)."""

    keys: tuple[str, ...]  # kecamatan slugs, in name order
    names: tuple[str, ...]
    rank: int
    decided: bool


def ranking_ties(ranking: Ranking) -> list[Tie]:
    """Every tie of `ranking` a decision may order: tied kecamatan sharing a rank (awards
    withheld or not) and ties a standing decision orders."""
    names = {result.key: result.name for result in ranking.results}
    ties: list[Tie] = []
    by_rank: dict[int, list[str]] = {}
    for result in ranking.results:
        if result.rank is not None and result.tie_decision is None:
            by_rank.setdefault(result.rank, []).append(result.key)
    for rank, keys in sorted(by_rank.items()):
        if len(keys) > 1:
            keys.sort(key=lambda key: (names[key], key))
            ties.append(Tie(tuple(keys), tuple(names[k] for k in keys), rank, False))
    for decision in ranking.tie_decisions:
        keys = sorted(decision.order, key=lambda key: (names[key], key))
        rank = min(r.rank for r in ranking.results if r.key in decision.order and r.rank)
        ties.append(Tie(tuple(keys), tuple(names[k] for k in keys), rank, True))
    return sorted(ties, key=lambda tie: tie.rank)


@transaction.atomic
def tie_decision_record(
    *,
    period: Period,
    order: Sequence[Kecamatan],
    reason: str,
    meeting: str,
    by: AbstractBaseUser | None,
) -> TieDecision:
    """Record the Tim's order for a tie that survives the set's tie-breaks, with the score
    each kecamatan has now (the decision lapses once one changes). `order` must name every
    kecamatan of one tie of the current ranking, the higher first."""
    period = _locked(period)
    reason, meeting = reason.strip(), meeting.strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan keputusan Tim."))
    if not meeting:
        raise ValidationError(_("Sebutkan rapat yang memutuskan (nama dan tanggal rapat)."))
    slugs = [kecamatan.slug for kecamatan in order]
    if len(slugs) < 2:
        raise ValidationError(_("Keputusan Tim mengurutkan sedikitnya dua kecamatan yang seri."))
    if len(set(slugs)) != len(slugs):
        raise ValidationError(_("Setiap kecamatan disebut sekali saja dalam urutan."))
    ranking = ranking_for_period(period=period, trace=False)
    results = {result.key: result for result in ranking.results}
    outsiders = [k.name for k in order if k.slug not in results]
    if outsiders:
        raise ValidationError(
            _("Bukan peserta periode ini: %(names)s.") % {"names": ", ".join(outsiders)}
        )
    ties = ranking_ties(ranking)
    tie = next((tie for tie in ties if set(tie.keys) == set(slugs)), None)
    if tie is None:
        named = set(slugs)
        partial = next((t for t in ties if named < set(t.keys)), None)
        if partial is not None:
            raise ValidationError(
                _(
                    "Seri pada peringkat %(rank)s meliputi %(names)s; keputusan Tim harus "
                    "mengurutkan semuanya."
                )
                % {"rank": partial.rank, "names": ", ".join(partial.names)}
            )
        if ties:
            listed = "; ".join(", ".join(t.names) for t in ties)
            raise ValidationError(
                _("Kecamatan yang disebut tidak seri. Nilai seri saat ini: %(ties)s.")
                % {"ties": listed}
            )
        raise ValidationError(
            _("Kecamatan yang disebut tidak seri; tidak ada nilai seri saat ini.")
        )
    basis = ranking.decision_basis
    places = [
        {
            "kecamatan": kecamatan.pk,
            "name": kecamatan.name,
            "score": format(rounding.decisive(results[kecamatan.slug].final_score, basis), "f"),
        }
        for kecamatan in order
    ]
    return TieDecision.objects.create(
        period=period,
        places=places,
        reason=reason,
        meeting=meeting,
        recorded_by=by,
        recorded_at=timezone.now(),
    )


@dataclass(frozen=True)
class AbsenceBook:
    """The period's absence records for the team page: those that stand, and every record
    (recordings and withdrawals) in the order they were made."""

    standing: list[MemberAbsence]
    history: list[MemberAbsence]


def absence_book(*, period: Period) -> AbsenceBook:
    standing = sorted(
        standing_absences(period=period),
        key=lambda row: (row.stage.order, row.kecamatan.name, person_name(row.member)),
    )
    history = list(
        MemberAbsence.objects.filter(period=period)
        .select_related("member__profile", "recorded_by__profile", "stage", "kecamatan")
        .order_by("-recorded_at", "-pk")
    )
    return AbsenceBook(standing=standing, history=history)


def tie_decision_history(*, period: Period) -> list[TieDecision]:
    return list(
        TieDecision.objects.filter(period=period)
        .select_related("recorded_by__profile")
        .order_by("-recorded_at", "-pk")
    )
