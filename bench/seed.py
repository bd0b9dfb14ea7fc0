"""Synthetic regions, instrument sets and scores for the benchmark. Idempotent."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django_scopes import scope

from evaluations.models import Participation, Period, ScoreEntry, Sheet, TeamMember
from instruments.models import InstrumentSet
from instruments.services import instrument_set_import_data
from regions.models import Kecamatan, Region
from scoring.rules import EnteredBy

User = get_user_model()
PENILAI = 5


def flat_set(code: str, *, aspects: int, per_aspect: int, choice_every: int = 0) -> dict:
    """An instrument set with one stage of `aspects` × `per_aspect` team-scored indicators
    (0–100; every `choice_every`-th a choice a/b/c/d), aspects combined by mean."""

    def indicator(a: int, i: int) -> dict:
        choice = choice_every and (i % choice_every == 0)
        return {
            "order": i,
            "code": f"I{a}.{i}",
            "text": f"Indikator {a}.{i}",
            "kind": "choice" if choice else "score",
            "entered_by": "team",
            "min_value": None if choice else "0",
            "max_value": None if choice else "100",
            "integer_only": False,
            "options": [
                {"order": n, "code": c, "label": c.upper(), "score": s}
                for n, (c, s) in enumerate((("a", "100"), ("b", "75"), ("c", "50"), ("d", "0")))
            ]
            if choice
            else [],
        }

    return {
        "code": code,
        "version": 1,
        "name": f"Set bench {code}",
        "legal_number": "-",
        "legal_title": "Bench",
        "final_combine": "single_stage",
        "predicate_rounding": "none",
        "stages": [
            {
                "order": 1,
                "code": "T1",
                "name": "Penilaian tim",
                "scorer_label": "Tim Penilai",
                "member_combine": "mean_of_member_totals",
                "aspect_combine": "mean",
                "max_score": "100",
                "aspects": [
                    {
                        "order": a,
                        "code": f"A{a}",
                        "name": f"Aspek {a}",
                        "max_score": "100",
                        "indicator_combine": "mean",
                        "indicators": [indicator(a, i) for i in range(1, per_aspect + 1)],
                    }
                    for a in range(1, aspects + 1)
                ],
            }
        ],
        "predicate_bands": [
            {"order": 1, "label": "Baik", "lower": "60"},
            {"order": 2, "label": "Cukup", "lower": "40", "upper": "60", "upper_inclusive": False},
            {"order": 3, "label": "Kurang", "upper": "40", "upper_inclusive": False},
        ],
        "tie_break_rules": [],
        "award_tiers": [{"rank": r, "label": f"Terbaik {r}"} for r in (1, 2, 3)],
    }


def region_with_period(
    *,
    slug: str,
    kecamatan: int,
    set_data: dict,
    period_slug: str = "2026",
    period_kecamatan: int | None = None,
) -> Period:
    """A region with `kecamatan` kecamatan, the set, 5 penilai on every stage's team and a
    period in which the first `period_kecamatan` (default: all) participate."""
    region, _ = Region.objects.get_or_create(
        slug=slug, defaults={"name": f"Bench {slug}", "kind": "kabupaten", "head_title": "Bupati"}
    )
    with scope(region=region), transaction.atomic():
        existing = Kecamatan.objects.count()
        Kecamatan.objects.bulk_create(
            [
                Kecamatan(region=region, slug=f"kec-{n:05d}", name=f"Kecamatan {n:05d}")
                for n in range(existing + 1, kecamatan + 1)
            ],
            batch_size=5000,
        )
        instrument_set = InstrumentSet.objects.filter(
            code=set_data["code"], version=set_data["version"]
        ).first() or instrument_set_import_data(region=region, data=set_data)
        period = Period.objects.filter(slug=period_slug).first()
        if period is not None:
            return period
        period = Period.objects.create(
            region=region,
            slug=period_slug,
            name=f"Bench {slug} {period_slug}",
            year_evaluated=2025,
            instrument_set=instrument_set,
            status=Period.Status.OPEN,  # the bench imports values
        )
        chosen = Kecamatan.objects.order_by("slug")[: period_kecamatan or kecamatan]
        Participation.objects.bulk_create(
            [Participation(period=period, kecamatan=k) for k in chosen], batch_size=5000
        )
        users = [
            User.objects.get_or_create(username=f"bench-{slug}-{n}")[0]
            for n in range(1, PENILAI + 1)
        ]
        TeamMember.objects.bulk_create(
            [
                TeamMember(period=period, stage=stage, user=user, order=n)
                for stage in instrument_set.stages.all()
                for n, user in enumerate(users)
            ]
        )
    return period


def seed_scores_sql(period: Period, expected: int, log: Callable[[str], None]) -> float | None:
    """Fill every team cell of a single-stage score/choice period with deterministic values,
    server side: one INSERT … SELECT creates the sheets (participant × team seat, for the
    seat's stage), a second fills their values, joined to the sheet they belong to. Returns
    the seconds taken, or None when the period already holds exactly `expected` values
    (reused).

    Written around the sheet service on purpose (no `ValueChange` history, no receipts):
    this is bulk data for reading; `sheet_write` and the import are timed elsewhere."""
    with scope(region=period.region):
        present = ScoreEntry.objects.filter(period=period).count()
        if present == expected:
            return None
        start = time.perf_counter()
        with transaction.atomic():
            if present:
                log(f"  {present} nilai tidak lengkap: dihapus dan diisi ulang")
                ScoreEntry.objects.filter(period=period).delete()
            with connection.cursor() as cursor:
                # One sheet per team seat and participant; version 1: one write filled it.
                # Sheets left from an earlier, incomplete seed are reused.
                cursor.execute(
                    """
                    INSERT INTO evaluations_sheet
                        (period_id, stage_id, kecamatan_id, assessor_id, state, version,
                         updated_at)
                    SELECT %(period)s, t.stage_id, p.kecamatan_id, t.user_id, %(draft)s, 1, now()
                    FROM evaluations_participation p
                    JOIN evaluations_teammember t ON t.period_id = %(period)s
                    WHERE p.period_id = %(period)s
                    ON CONFLICT DO NOTHING
                    """,
                    {"period": period.pk, "draft": Sheet.State.DRAFT},
                )
                # Choice rows hold option "a".."d" and its score; others a value 0–100 with
                # two decimals; both a hash of the cell, so every run seeds the same data.
                cursor.execute(
                    """
                    INSERT INTO evaluations_scoreentry
                        (sheet_id, period_id, kecamatan_id, indicator_id, assessor_id, part,
                         value, option_code, text, updated_at)
                    SELECT s.id, s.period_id, s.kecamatan_id, i.id, s.assessor_id, '',
                           CASE WHEN i.kind = 'choice'
                                THEN (ARRAY[100, 75, 50, 0])[1 + h.v %% 4]
                                ELSE (h.v %% 10001) / 100.0 END,
                           CASE WHEN i.kind = 'choice'
                                THEN (ARRAY['a', 'b', 'c', 'd'])[1 + h.v %% 4] ELSE '' END,
                           '', now()
                    FROM evaluations_sheet s
                    JOIN instruments_aspect a ON a.stage_id = s.stage_id
                    JOIN instruments_indicator i
                        ON i.aspect_id = a.id AND i.entered_by = %(team)s
                    CROSS JOIN LATERAL (
                        SELECT abs(
                            hashtext(s.kecamatan_id || ':' || i.id || ':' || s.assessor_id)::bigint
                        ) AS v
                    ) h
                    WHERE s.period_id = %(period)s AND s.assessor_id IS NOT NULL
                    """,
                    {"period": period.pk, "team": EnteredBy.TEAM},
                )
                cursor.execute("ANALYZE evaluations_sheet")
                cursor.execute("ANALYZE evaluations_scoreentry")
        return time.perf_counter() - start


def pekalongan_set() -> dict:
    path = Path(settings.BASE_DIR) / "fixtures" / "pekalongan" / "instrument_set.json"
    return json.loads(path.read_text(encoding="utf-8"))


def fill_rows(rows, rng: random.Random) -> list[tuple[int, tuple]]:
    """Template rows with a random allowed value in `nilai`, numbered as in the sheet."""
    filled = []
    for number, row in enumerate(rows, start=2):
        row = list(row)
        low, high, options = row[6], row[7], row[8]
        if options:
            row[5] = rng.choice(options.split("/"))
        else:
            top = int(high) if high is not None else 50
            row[5] = rng.randint(int(low or 0), top)
        filled.append((number, tuple(row)))
    return filled


def as_decimal(value) -> Decimal:
    return Decimal(str(value))
