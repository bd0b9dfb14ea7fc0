"""Reads shaped for pages. Scoped models are only queried inside an active region scope."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet

from evaluations.models import Participation, Period, ScoreEntry, TeamMember
from evaluations.ranking_sums import summed_scoring_input_from_layout
from evaluations.scoring_input import (
    period_score_layout,
    scoring_input_for_period,
    scoring_input_from_layout,
)
from instruments.models import Indicator, Stage
from regions.models import Kecamatan, Membership, Region, Role
from regions.people import person_name
from scoring.engine import compute_ranking
from scoring.rules import EnteredBy
from scoring.structures import Ranking


def regions_for_user(*, user: AbstractBaseUser) -> QuerySet[Region]:
    """Regions where the user holds an active role (Region itself is not a scoped model)."""
    return Region.objects.filter(
        is_active=True, memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).distinct()


def kecamatan_list() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.order_by("name")


def kecamatan_get(*, slug: str) -> Kecamatan:
    return Kecamatan.objects.select_related("region").get(slug=slug)


def period_list() -> QuerySet[Period]:
    return Period.objects.select_related("instrument_set").order_by("-year_evaluated", "slug")


def period_has_scores(*, period: Period) -> bool:
    """Whether any value (self-assessment or team) is stored for `period`."""
    return ScoreEntry.objects.filter(period=period).exists()


def ranking_for_period(*, period: Period, trace: bool = True) -> Ranking:
    """The period's ranking as the engine computes it from the stored values.

    `trace=False` (the ranking table, the `ranking` command, national scale) gives the same
    ranks, scores, predikat, awards, notes and warnings with the engine's lighter trace, and
    lets the database add up the values of the aspects that can be summed
    (`summed_scoring_input_from_layout`), in a fixed number of queries. `trace=True` keeps
    every indicator's result and worked arithmetic (the per-kecamatan breakdown).
    """
    if trace:
        return compute_ranking(scoring_input_for_period(period=period))
    layout = period_score_layout(period=period)
    data = summed_scoring_input_from_layout(layout=layout)
    if data is None:  # the sums cannot vouch for the values: read them one by one
        data = scoring_input_from_layout(layout=layout)
    return compute_ranking(data, trace=False)


@dataclass(frozen=True)
class StageTeam:
    order: int
    code: str
    name: str
    scorer_label: str
    seats: tuple[TeamMember, ...]
    takes_team: bool  # False: the kecamatan fills the stage alone
    min_team_size: int

    @property
    def short_of_members(self) -> int:
        """How many more penilai the instrument asks for on this team (0 when enough)."""
        return max(0, self.min_team_size - len(self.seats)) if self.takes_team else 0


def _team_entered(stage: Stage | OuterRef) -> QuerySet[Indicator]:
    """The indicators the team (not the kecamatan) enters in `stage`."""
    return Indicator.objects.filter(aspect__stage=stage, entered_by=EnteredBy.TEAM)


def stage_takes_team(*, stage: Stage) -> bool:
    """Whether anyone but the kecamatan enters values in `stage` (then it has a team)."""
    return _team_entered(stage).exists()


def period_team_stages(*, period: Period) -> list[Stage]:
    """The stages of the period's set in which the team (not the kecamatan) enters values."""
    return list(
        period.instrument_set.stages.annotate(takes_team=Exists(_team_entered(OuterRef("pk"))))
        .filter(takes_team=True)
        .order_by("order")
    )


def period_stages_with_teams(*, period: Period) -> list[StageTeam]:
    """The period's stages in order, each with its team seats (two queries)."""
    seats: dict[int, list[TeamMember]] = {}
    for seat in TeamMember.objects.filter(period=period).select_related("user__profile"):
        seats.setdefault(seat.stage_id, []).append(seat)
    return [
        StageTeam(
            stage.order,
            stage.code,
            stage.name,
            stage.scorer_label,
            tuple(seats.get(stage.pk, ())),
            stage.takes_team,
            stage.min_team_size,
        )
        for stage in period.instrument_set.stages.annotate(
            takes_team=Exists(_team_entered(OuterRef("pk")))
        ).order_by("order")
    ]


def period_participations(*, period: Period) -> QuerySet[Participation]:
    """The period's participants with their kecamatan, by name."""
    return (
        Participation.objects.filter(period=period)
        .select_related("kecamatan")
        .order_by("kecamatan__name")
    )


def kecamatan_participations(*, kecamatan: Kecamatan) -> QuerySet[Participation]:
    """The periods `kecamatan` takes part in, newest first."""
    return (
        Participation.objects.filter(kecamatan=kecamatan)
        .select_related("period")
        .order_by("-period__year_evaluated", "period__slug")
    )


def period_team_seats(*, period: Period) -> dict[tuple[int, int], str]:
    """Each seat's position by (stage pk, user pk)."""
    return {
        (stage_id, user_id): position
        for stage_id, user_id, position in TeamMember.objects.filter(period=period).values_list(
            "stage_id", "user_id", "position"
        )
    }


def penilai_list() -> list[AbstractBaseUser]:
    """The penilai of the region in scope, by name. `user.active_here` is False for one
    Admin Tapem deactivated: they keep the seats they have and take no new one."""
    users = []
    for membership in Membership.objects.filter(role=Role.PENILAI).select_related("user__profile"):
        membership.user.active_here = membership.status == Membership.Status.ACTIVE
        users.append(membership.user)
    return sorted(users, key=lambda user: (person_name(user).casefold(), user.get_username()))
