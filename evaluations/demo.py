"""Demo data for the four shipped regions: accounts, kecamatan, instrument sets, period 2026.

Idempotent: running it again changes nothing that is already there.
"""

import datetime
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from evaluations.decisions import absence_record
from evaluations.demo_people import ELECTED, bare_name, demo_person
from evaluations.demo_scores import demo_scores_fill
from evaluations.demo_submissions import demo_submissions_fill
from evaluations.models import MemberAbsence, Period, TeamMember
from evaluations.score_workbook import stage_participants
from evaluations.scoring_input import scoring_input_for_period
from evaluations.selectors import period_self_assessment_stages
from evaluations.services import (
    AppointmentInput,
    DeadlineInput,
    Seat,
    assignments_set,
    period_create,
    period_set_status,
    stage_deadlines_set,
    team_appointments_record,
    team_set,
)
from instruments.models import InstrumentSet
from instruments.services import instrument_set_import_data
from regions.models import Kecamatan, Membership, Profile, Role
from regions.services import kecamatan_upsert, membership_grant, profile_update, region_upsert

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "kinerja-demo"
PENILAI_PER_REGION = 5
User = get_user_model()


@dataclass
class DemoReport:
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (region, role, username)


def demo_region_slugs() -> list[str]:
    return sorted(path.parent.name for path in FIXTURES.glob("*/region.json"))


@transaction.atomic
def load_demo(*, scores: bool = True) -> DemoReport:
    """Accounts, kecamatan, sets and period 2026 for every region; with `scores`, a new
    period also gets plausible values for every sheet and one recorded absence, so its
    ranking is whole (`evaluations.demo_scores`)."""
    report = DemoReport()
    admin = _user("admin", superuser=True)
    if not Profile.objects.filter(user=admin).exists():
        profile_update(user=admin, full_name="Pengelola Aplikasi", jabatan="Pengelola aplikasi")
    report.logins.append(("-", "superuser (Django admin)", "admin"))
    multi_region = _user("penilai-lintas")
    for slug in demo_region_slugs():
        _load_region(slug, report, multi_region, scores=scores)
    return report


def _load_region(
    slug: str, report: DemoReport, multi_region_user: AbstractBaseUser, *, scores: bool
) -> None:
    info = json.loads((FIXTURES / slug / "region.json").read_text(encoding="utf-8"))
    region = region_upsert(
        slug=info["slug"], name=info["name"], kind=info["kind"], head_title=info["head_title"]
    )
    with scope(region=region):
        kecamatan = [kecamatan_upsert(region=region, name=name) for name in info["kecamatan"]]

        tapem = _user(f"tapem-{slug}")
        membership_grant(user=tapem, region=region, role=Role.ADMIN_TAPEM)
        report.logins.append((slug, "Admin Tapem", tapem.username))

        pimpinan = _user(f"pimpinan-{slug}")
        membership_grant(user=pimpinan, region=region, role=Role.PIMPINAN)
        report.logins.append((slug, "Pimpinan", pimpinan.username))

        for index, kec in enumerate(kecamatan):
            operator = _user(f"op-{slug}-{kec.slug}")
            membership_grant(user=operator, region=region, role=Role.OPERATOR, kecamatan=kec)
            if index == 0:
                report.logins.append((slug, f"Operator {kec.name}", operator.username))

        set_path = FIXTURES / slug / "instrument_set.json"
        data = json.loads(set_path.read_text(encoding="utf-8")) if set_path.exists() else {}
        # Full teams as the texts appoint them (Banggai stage 3: nine, Pasal 14(2)).
        largest = max(
            [PENILAI_PER_REGION, *(s.get("min_team_size", 1) for s in data.get("stages", []))]
        )
        penilai = [_user(f"penilai-{slug}-{n}") for n in range(1, largest + 1)]
        for user in penilai:
            membership_grant(user=user, region=region, role=Role.PENILAI)
        report.logins.append((slug, "Penilai", penilai[0].username))
        if slug in ("bekasi", "tegal"):
            membership_grant(user=multi_region_user, region=region, role=Role.PENILAI)
        taken = {bare_name(name) for name in Profile.objects.values_list("full_name", flat=True)}
        for membership in Membership.objects.filter(region=region).select_related(
            "user", "kecamatan"
        ):
            _profile(membership.user, info, getattr(membership.kecamatan, "name", ""), taken)

        if not data:
            return
        instrument_set = InstrumentSet.objects.filter(
            region=region, code=data["code"], version=data["version"]
        ).first() or instrument_set_import_data(region=region, data=data)

        period_info = info["demo_period"]
        if Period.objects.filter(region=region, slug=period_info["slug"]).exists():
            return
        period = period_create(
            region=region,
            slug=period_info["slug"],
            name=period_info["name"],
            year_evaluated=period_info["year_evaluated"],
            instrument_set=instrument_set,
            kecamatan=kecamatan,
        )
        _demo_teams(period, penilai, period_info.get("team_appointment"))
        # Berlangsung, so a newcomer can enter values at once.
        period_set_status(period=period, status=Period.Status.OPEN, by=None)
        _demo_deadlines(period)
        if scores:
            _demo_results(period, penilai)


# Banggai's stage 3 as Perbup Banggai 49/2022 Pasal 14(2) appoints it: the Bupati Ketua, the
# Wakil Bupati Wakil Ketua, the Sekda Sekretaris (penilai 6, 7, 8: `demo_people`).
_BANGGAI_T3 = {6: TeamMember.Position.KETUA, 7: TeamMember.Position.WAKIL_KETUA,
               8: TeamMember.Position.SEKRETARIS}  # fmt: skip
# One member assigned part of the kecamatan, so the team page and the board show it: the
# Ketua of Banggai's field verification (stage 2) leaves Toili Barat to the other four. Its
# stage 2 mean is then over those four (its final score 81,42 → 81,36); no rank changes.
_RESTRICTED = ("banggai", "T2", 1, "Toili Barat")


def _demo_teams(
    period: Period, penilai: list[AbstractBaseUser], appointment: dict[str, str] | None
) -> None:
    """Every stage's team with positions, origin and jabatan, the SK that appoints it, and
    the one restricted assignment (`_RESTRICTED`)."""
    tapem = _tapem(period)
    region = period.region.slug
    for stage in period.instrument_set.stages.order_by("order"):
        seated = penilai[: max(PENILAI_PER_REGION, stage.min_team_size)]
        seats = []
        for index, user in enumerate(seated, start=1):
            if region == "banggai" and stage.code == "T3":
                position = _BANGGAI_T3.get(index, TeamMember.Position.ANGGOTA)
            else:
                position = ["ketua", "sekretaris"][index - 1] if index <= 2 else "anggota"
            origin, jabatan = _origin(user)
            if (region, stage.code) == ("pekalongan", "PANEL") and origin == "akademisi":
                origin = TeamMember.Origin.INDEPENDEN  # Panduan B.1: an independent panel
            seats.append(Seat(user, position, origin, jabatan))
        team_set(period=period, stage=stage, seats=seats, by=tapem)
        if appointment:
            team_appointments_record(
                period=period,
                appointments=[
                    AppointmentInput(
                        stage=stage,
                        number=appointment["number"].format(order=stage.order),
                        date=datetime.date.fromisoformat(appointment["date"]),
                        issuer=appointment["issuer"],
                        title=appointment.get("title", ""),
                    )
                ],
                by=tapem,
            )
        if (region, stage.code) == _RESTRICTED[:2]:
            member = penilai[_RESTRICTED[2] - 1]
            assignments_set(
                period=period,
                stage=stage,
                chosen={
                    member.pk: set(
                        Kecamatan.objects.filter(participations__period=period)
                        .exclude(name=_RESTRICTED[3])
                        .values_list("pk", flat=True)
                    )
                },
                by=tapem,
            )


def _origin(user: AbstractBaseUser) -> tuple[str, str]:
    """(origin, jabatan in the SK) from the demo person's profile."""
    profile = Profile.objects.get(user=user)
    if profile.jabatan.startswith("Dosen"):
        origin = TeamMember.Origin.AKADEMISI
    elif profile.jabatan.startswith(ELECTED):
        origin = TeamMember.Origin.KEPALA_DAERAH
    elif not profile.nip:  # from outside the Pemerintah Daerah
        origin = TeamMember.Origin.INDEPENDEN
    else:
        origin = TeamMember.Origin.PERANGKAT_DAERAH
    return origin, profile.jabatan


def _demo_deadlines(period: Period) -> None:
    """Where the set gives its deadlines in days (Banggai Pasal 6–8), the kecamatan received
    the form today: the operators and Tapem see the countdowns the rule gives."""
    stages = [
        stage
        for stage in period_self_assessment_stages(period=period)
        if stage.submit_days is not None
    ]
    if stages:
        stage_deadlines_set(
            period=period,
            deadlines=[
                DeadlineInput(
                    stage=stage,
                    submit_by=None,
                    verify_by=None,
                    repair_days=None,
                    form_received_on=timezone.localdate(),
                )
                for stage in stages
            ],
        )


def _tapem(period: Period) -> AbstractBaseUser:
    return (
        Membership.objects.filter(region=period.region, role=Role.ADMIN_TAPEM)
        .select_related("user")
        .first()
        .user
    )


def _demo_results(period: Period, penilai: list[AbstractBaseUser]) -> None:
    """Values for every sheet, except that one member of the last stage missed one
    kecamatan's session: recorded absent by Tapem, so that kecamatan is still scored."""
    codes = list(period.instrument_set.stages.order_by("order").values_list("code", flat=True))
    if codes[:-1]:
        demo_scores_fill(period=period, seed=period.region.slug, stages=codes[:-1])
    data = scoring_input_for_period(period=period)
    goes_on = stage_participants(data)[codes[-1]]
    first = next(p for p in data.participants if p.key in goes_on)
    tapem = (
        Membership.objects.filter(region=period.region, role=Role.ADMIN_TAPEM)
        .select_related("user")
        .first()
        .user
    )
    absence_record(
        period=period,
        stage=period.instrument_set.stages.get(code=codes[-1]),
        kecamatan=Kecamatan.objects.get(slug=first.key),
        member=penilai[PENILAI_PER_REGION - 1],
        kind=MemberAbsence.Kind.ABSENT,
        reason="Sakit pada hari penilaian (surat keterangan dokter)",
        by=tapem,
    )
    demo_scores_fill(period=period, seed=period.region.slug, stages=codes[-1:])
    # After every value of the ranking: the self-assessments add none.
    demo_submissions_fill(period=period, tapem=tapem)


def _profile(user: AbstractBaseUser, info: dict, kecamatan: str, taken: set[str]) -> None:
    # Only an account without a name gets one: names changed in the app stay.
    if Profile.objects.filter(user=user).exclude(full_name="").exists():
        return
    profile_update(
        user=user,
        **demo_person(
            user.get_username(),
            slug=info["slug"],
            region=info["name"],
            head_title=info["head_title"],
            kecamatan=kecamatan,
            taken=taken,
        ),
    )


@cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; the hundred demo accounts share one hash of one password.
    return make_password(DEMO_PASSWORD)


def _user(username: str, superuser: bool = False):
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "is_staff": superuser,
            "is_superuser": superuser,
            "password": _demo_password_hash(),
        },
    )
    return user
