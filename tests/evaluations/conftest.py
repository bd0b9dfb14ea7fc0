"""Periods to score: Kota Bekasi (from the `tenancy` personas) on small instrument sets."""

import copy
import io
from dataclasses import dataclass

import openpyxl
import pytest
from django_scopes import scope

from evaluations.models import Participation, Period, ScoreEntry, Sheet
from evaluations.score_workbook import HEADER, SHEET
from evaluations.services import period_create, period_set_status, team_member_add
from instruments.services import instrument_set_import_data
from regions.models import Role
from regions.services import membership_grant
from tests.factories import KecamatanFactory, UserFactory
from tests.instruments.builders import tiny_set


def indicator(code, kind="score", **fields):
    data = {
        "order": fields.pop("order", 1),
        "code": code,
        "text": f"Indikator {code}",
        "kind": kind,
        "entered_by": "team",
        "min_value": "0",
        "max_value": "100",
        "integer_only": False,
        "params": {},
        "options": [],
    }
    data.update(fields)
    return data


def options(*pairs):
    return [
        {"order": n, "code": code, "label": code.upper(), "score": score}
        for n, (code, score) in enumerate(pairs, start=1)
    ]


def rich_set(shortlist=1):
    """Every kind of cell: kecamatan-entered pair, count, capaian and text; team-entered
    score, choice, yes/no and whole-number score; then a panel stage after a top-`shortlist`
    shortlist of the first stage."""
    data = tiny_set(code="kaya", name="Set lengkap", final_combine="mean_of_stages")
    data["tie_break_rules"] = []
    mandiri = {
        "order": 1,
        "code": "M",
        "name": "Isian kecamatan",
        "max_score": "100",
        "indicator_combine": "mean",
        "indicators": [
            indicator(
                "KEU",
                "percentage_pair",
                order=1,
                entered_by="kecamatan",
                params={"parts": {"fisik": "50", "keuangan": "50"}},
            ),
            indicator(
                "PEM", "count_normalised", order=2, entered_by="kecamatan", integer_only=True
            ),
            indicator(
                "CAP",
                "capaian",
                order=3,
                entered_by="kecamatan",
                params={"polarity": "higher_is_better"},
            ),
            indicator(
                "URAI", "text", order=4, entered_by="kecamatan", min_value=None, max_value=None
            ),
        ],
    }
    team = {
        "order": 2,
        "code": "T",
        "name": "Penilaian tim",
        "max_score": "100",
        "indicator_combine": "mean",
        "indicators": [
            indicator("S1", order=1),
            indicator(
                "C1",
                "choice",
                order=2,
                min_value=None,
                max_value=None,
                options=options(("a", "100"), ("b", "50"), ("c", "0")),
            ),
            indicator(
                "YN",
                "yes_no",
                order=3,
                min_value=None,
                max_value=None,
                options=options(("ya", "100"), ("tidak", "0")),
            ),
            indicator("INT", order=4, max_value="30", integer_only=True),
        ],
    }
    stage = data["stages"][0]
    stage.update(aspect_combine="mean", shortlist_size=shortlist, aspects=[mandiri, team])
    panel = copy.deepcopy(data["stages"][0])
    panel.update(
        order=2,
        code="P",
        name="Panel",
        shortlist_size=None,
        aspects=[
            {
                "order": 1,
                "code": "P",
                "name": "Paparan",
                "max_score": "100",
                "indicator_combine": "sum",
                "indicators": [indicator("P1")],
            }
        ],
    )
    data["stages"].append(panel)
    return data


@dataclass
class Setup:
    period: Period
    penilai: list  # team order

    @property
    def region(self):
        return self.period.region


@pytest.fixture
def make_period(tenancy):
    """make_period(data, kecamatan=[names], penilai=n): a Bekasi period on that set, every
    named kecamatan participating and the penilai on every stage's team (team order =
    penilai_bekasi, penilai_lintas, then penilai-3…)."""

    def _make(
        data=None, kecamatan=("Bantargebang", "Jatiasih"), penilai=2, slug="2026", status="open"
    ):
        region = tenancy.bekasi
        with scope(region=region):
            instrument_set = instrument_set_import_data(region=region, data=data or tiny_set())
            members = [tenancy.users["penilai_bekasi"], tenancy.users["penilai_lintas"]]
            for n in range(3, penilai + 1):
                user = UserFactory(username=f"penilai-{n}")
                membership_grant(user=user, region=region, role=Role.PENILAI)
                members.append(user)
            members = members[:penilai]
            rows = [KecamatanFactory(region=region, name=name) for name in kecamatan]
            period = period_create(
                region=region,
                slug=slug,
                name=f"Periode {slug}",
                year_evaluated=2025,
                instrument_set=instrument_set,
                kecamatan=rows,
            )
            for stage in instrument_set.stages.all():
                for user in members:
                    team_member_add(period=period, stage=stage, user=user)
            if status != Period.Status.PREPARATION:
                # Values are entered only while a period runs (Berlangsung).
                period_set_status(period=period, status=Period.Status.OPEN, by=None)
        return Setup(period, members)

    return _make


def workbook_bytes(rows, header=HEADER, sheet=SHEET):
    """An xlsx with `header` and `rows` on `sheet`, as bytes."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_rows(content):
    """The rows of sheet `nilai`, header included, each padded to 9 values."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [tuple(r) + (None,) * (9 - len(r)) for r in book[SHEET].iter_rows(values_only=True)]
    book.close()
    return rows


def stored(period):
    """{(kecamatan, indicator code, assessor or 'mandiri', part): value or option}."""
    with scope(region=period.region):
        return {
            (
                entry.kecamatan.name,
                entry.indicator.code,
                entry.assessor.username if entry.assessor else "mandiri",
                entry.part,
            ): entry.option_code or entry.value.normalize()
            for entry in ScoreEntry.objects.filter(period=period).select_related(
                "kecamatan", "indicator", "assessor"
            )
        }


def disqualify(period, name, reason="Tidak lengkap setelah perbaikan"):
    with scope(region=period.region):
        Participation.objects.filter(period=period, kecamatan__name=name).update(
            disqualified=True, disqualification_reason=reason
        )


def add_kecamatan(region, name):
    with scope(region=region):
        return KecamatanFactory(region=region, name=name)


def write_around_services(*, period, kecamatan, indicator, assessor=None, **fields):
    """A value stored directly, as a script or Django admin could: into the sheet its
    (stage, kecamatan, assessor) names, created when missing."""
    sheet, _created = Sheet.objects.get_or_create(
        period=period, stage=indicator.aspect.stage, kecamatan=kecamatan, assessor=assessor
    )
    return ScoreEntry.objects.create(
        sheet=sheet,
        period=period,
        kecamatan=kecamatan,
        indicator=indicator,
        assessor=assessor,
        **fields,
    )
