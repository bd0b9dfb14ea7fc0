"""Pembinaan (Perbup Banggai 49/2022 Pasal 23–24): opened when a result is frozen for each
kecamatan whose predikat the region names, due three months after the meeting, overdue ones
flagged, closed by the written re-evaluation report."""

import pytest
from django.urls import reverse
from django_scopes import scope

from awards.models import DocumentSettings, FollowUp
from tests.awards.test_freeze_and_publish import run
from tests.evaluations.test_absences_and_ties import enter

pytestmark = pytest.mark.django_db


def test_a_kurang_result_gets_a_pembinaan_due_three_months_after_the_meeting(
    scored, client, tenancy
):
    """Bantargebang (30, 30) twice → 30×60% + 30×40% = 30,00 < 50: Kurang (tiny set)."""
    enter(
        scored.period,
        {
            ("Bantargebang", "penilai_bekasi"): (30, 30),
            ("Bantargebang", "penilai_lintas"): (30, 30),
        },
    )
    with scope(region=scored.region):
        DocumentSettings.objects.create(
            region=scored.region, followup_predikat="Kurang", followup_pd="Inspektorat"
        )
    run("freeze_ranking", scored.period, "--date", "2026-05-14")
    with scope(region=scored.region):
        (followup,) = FollowUp.objects.select_related("kecamatan")
    assert (followup.kecamatan.name, followup.predikat, str(followup.due)) == (
        "Bantargebang", "Kurang", "2026-08-14",
    )  # fmt: skip

    client.force_login(tenancy.users["tapem_bekasi"])
    url = reverse("followup_list", kwargs={"region": "bekasi"})
    page = client.get(url).content.decode()
    assert "Bantargebang" in page and "terlambat" in page  # today is past 14 Agustus 2026
    assert client.post(url, {"followup": followup.pk, "report": " "}).status_code == 422
    done = client.post(url, {"followup": followup.pk, "report": "Sudah membaik."})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Sudah membaik." in page and "terlambat" not in page
