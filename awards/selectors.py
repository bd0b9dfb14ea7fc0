"""Reads of frozen and published results, shaped for the pages and the open data."""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from awards.models import ResultSnapshot
from awards.services import current_snapshot
from evaluations.models import Period
from regions.models import Region

# The open data's columns (CSV header and JSON keys), a public contract once published.
OPEN_DATA_FIELDS = ("peringkat", "kecamatan", "nilai_akhir", "predikat", "penghargaan", "status")


@dataclass(frozen=True)
class PublishedResult:
    region: Region
    period: Period
    snapshot: ResultSnapshot
    data: dict[str, Any]  # the snapshot's payload

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One row per kecamatan in rank order, as the open data prints it."""
        return [
            {
                "peringkat": result["rank"],
                "kecamatan": result["kecamatan"],
                "nilai_akhir": result["final_score"],
                "predikat": result["predikat"],
                "penghargaan": result["award"],
                "status": result["status"],
            }
            for result in self.data["ranking"]["results"]
        ]

    @property
    def scores(self) -> list[tuple[dict[str, Any], Decimal | None, str]]:
        """(row, final score, why it is not scored or "") per kecamatan, for the page."""
        why = {
            result["kecamatan"]: "; ".join(note["text"] for note in result["notes"])
            for result in self.data["ranking"]["results"]
            if result["status"] == "disqualified"
        }
        return [
            (
                row,
                Decimal(row["nilai_akhir"]) if row["nilai_akhir"] else None,
                why.get(row["kecamatan"], ""),
            )
            for row in self.rows
        ]


def published_result(*, region: Region, period_slug: str) -> PublishedResult | None:
    """The published result of the period (inside `region`'s scope), or None — also for a
    period that exists but is not published, so nothing unpublished can be told apart."""
    period = (
        Period.objects.select_related("region")
        .filter(slug=period_slug, status=Period.Status.PUBLISHED)
        .first()
    )
    if period is None:
        return None
    snapshot = current_snapshot(period=period)
    if snapshot is None:
        return None
    return PublishedResult(region, period, snapshot, json.loads(snapshot.payload))


def period_snapshots(*, period: Period) -> list[ResultSnapshot]:
    return list(
        ResultSnapshot.objects.filter(period=period)
        .select_related("frozen_by__profile", "reopening__by__profile")
        .order_by("-number")
    )
