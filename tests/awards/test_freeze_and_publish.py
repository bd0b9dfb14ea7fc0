"""Freezing, reopening and publishing a result (issue 13 items 2, 5 and 7), from the command
line and the pages: refused with the reason while anything is open, insert-only snapshots
whose hash is the same for the same data, nothing changeable after freezing, a public page
that exists only once published."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scope

from awards.models import ResultSnapshot
from evaluations.decisions import absence_record
from evaluations.models import Period
from evaluations.services import ScoreImportError, scores_import_rows, teams_set
from regions.models import InsertOnlyError
from regions.transitions import transition_history
from tests.evaluations.test_absences_and_ties import awards_set, enter

pytestmark = pytest.mark.django_db


def run(command, period, *extra):
    out = io.StringIO()
    call_command(
        command, "--region", period.region.slug, "--period", period.slug, *extra, stdout=out
    )
    return out.getvalue()


def status_of(period):
    with scope(region=period.region):
        return Period.objects.get(pk=period.pk).status


def test_freezing_is_refused_while_a_kecamatan_is_incomplete(make_period):
    setup = make_period(awards_set(), kecamatan=("Bantargebang", "Jatiasih"))
    enter(setup.period, {("Jatiasih", "penilai_bekasi"): (90, 70)})
    with pytest.raises(CommandError, match="Belum lengkap dinilai: Bantargebang, Jatiasih"):
        run("freeze_ranking", setup.period)
    assert status_of(setup.period) == Period.Status.OPEN
    with scope(region=setup.region):
        assert not ResultSnapshot.objects.exists()


def test_freezing_is_refused_while_a_tie_at_an_award_waits_for_the_tim(make_period):
    setup = make_period(awards_set(), kecamatan=("Bantargebang", "Jatiasih"), penilai=1)
    enter(
        setup.period,
        {("Jatiasih", "penilai_bekasi"): (80, 70), ("Bantargebang", "penilai_bekasi"): (80, 70)},
    )
    with pytest.raises(CommandError, match="Seri — diputuskan Tim: Bantargebang, Jatiasih"):
        run("freeze_ranking", setup.period)
    run("tie_decision", setup.period, "--order", "Jatiasih,Bantargebang", "--reason", "Pleno")
    out = json.loads(run("freeze_ranking", setup.period))
    with scope(region=setup.region):
        snapshot = ResultSnapshot.objects.get(pk=out["snapshot"])
    data = json.loads(snapshot.payload)
    assert [d["order"] for d in data["ranking"]["tie_decisions"]] == [["jatiasih", "bantargebang"]]


def test_freeze_closes_scoring_stores_the_snapshot_and_then_nothing_changes(scored):
    period = scored.period
    out = json.loads(run("freeze_ranking", period, "--date", "2026-08-25", "--place", "Aula"))
    assert set(out) == {"snapshot", "sha256"} and len(out["sha256"]) == 64
    assert status_of(period) == Period.Status.FROZEN
    with scope(region=period.region):
        moves = [(t.from_state, t.to_state) for t in transition_history(obj=period)]
        snapshot = ResultSnapshot.objects.get(pk=out["snapshot"])
        assert moves[-2:] == [("open", "closed"), ("closed", "frozen")]
        data = json.loads(snapshot.payload)
        assert (data["meeting"]["date"], data["meeting"]["place"]) == ("2026-08-25", "Aula")
        assert [(r["kecamatan"], r["final_score"]) for r in data["ranking"]["results"]] == [
            ("Jatiasih", "81.00"),
            ("Bantargebang", "75.00"),
        ]
        assert [m["username"] for m in data["team"]] == ["penilai_bekasi", "penilai_lintas"]

        # After freezing no value, seat, absence or decision changes, by any path.
        with pytest.raises(ScoreImportError):
            rows = [("T1", "Jatiasih", "penilai_bekasi", "A", "A1", 10)]
            scores_import_rows(period=period, rows=list(enumerate(rows, start=2)), by=None)
        with pytest.raises(ValidationError):
            teams_set(
                period=period,
                seats={period.instrument_set.stages.get(): [(scored.penilai[0], "ketua")]},
            )
        with pytest.raises(ValidationError):
            absence_record(
                period=period,
                stage=period.instrument_set.stages.get(),
                kecamatan=period.participations.first().kecamatan,
                member=scored.penilai[0],
                kind="absent",
                reason="x",
                by=None,
            )
        with pytest.raises(InsertOnlyError):
            snapshot.payload = "{}"
            snapshot.save()
    with pytest.raises(CommandError, match="tidak dapat ditetapkan"):
        run("freeze_ranking", period)


def test_the_same_data_frozen_twice_gives_the_same_hash(scored):
    period = scored.period
    first = json.loads(run("freeze_ranking", period, "--date", "2026-08-25"))
    with pytest.raises(CommandError, match="alasan"):
        run("reopen_ranking", period, "--reason", " ")
    run("reopen_ranking", period, "--reason", "Periksa ulang berkas")
    assert status_of(period) == Period.Status.OPEN
    second = json.loads(run("freeze_ranking", period, "--date", "2026-08-25"))
    assert second["snapshot"] != first["snapshot"]
    assert second["sha256"] == first["sha256"]
    with scope(region=period.region):
        numbers = list(ResultSnapshot.objects.values_list("number", flat=True))
    assert numbers == [1, 2]  # the superseded one is kept


def test_a_changed_value_after_reopening_gives_another_hash(scored):
    period = scored.period
    first = json.loads(run("freeze_ranking", period, "--date", "2026-08-25"))
    run("reopen_ranking", period, "--reason", "Nilai salah ketik")
    enter(period, {("Jatiasih", "penilai_bekasi"): (91, 70)})
    second = json.loads(run("freeze_ranking", period, "--date", "2026-08-25"))
    assert second["sha256"] != first["sha256"]


def test_the_public_page_exists_only_once_published(scored, client):
    period = scored.period
    urls = [
        reverse(name, kwargs={"daerah": "bekasi", "period": period.slug})
        for name in ("public_result", "public_result_csv", "public_result_json")
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    with pytest.raises(CommandError, match="belum ditetapkan"):
        run("publish_ranking", period)
    run("freeze_ranking", period, "--date", "2026-08-25")
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]  # frozen only
    said = run("publish_ranking", period)
    assert "/publik/bekasi/" in said

    page, data_csv, data_json = (client.get(url) for url in urls)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Jatiasih" in text and "81,00" in text and "Terbaik I" in text
    rows = list(csv.DictReader(io.StringIO(data_csv.content.decode())))
    assert [(r["peringkat"], r["kecamatan"], r["nilai_akhir"], r["penghargaan"]) for r in rows] == [
        ("1", "Jatiasih", "81.00", "Terbaik I"),
        ("2", "Bantargebang", "75.00", "Terbaik II"),
    ]
    body = data_json.json()
    assert body["results"][0]["kecamatan"] == "Jatiasih"
    assert len(body["snapshot_sha256"]) == 64

    run("reopen_ranking", period, "--reason", "Keberatan kecamatan")
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]


def test_tapem_freezes_publishes_and_reopens_on_the_page(scored, client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    url = reverse("result_freeze", kwargs={"region": "bekasi", "period": scored.period.slug})
    ranking_url = reverse("ranking", kwargs={"region": "bekasi", "period": scored.period.slug})
    assert "Rancangan — belum ditetapkan" in client.get(ranking_url).content.decode()
    response = client.post(
        url, {"action": "tetapkan", "meeting_date": "2026-08-25", "meeting_place": "Aula"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Penetapan nomor 1" in page and "Umumkan hasil" in page
    assert "Rancangan — belum ditetapkan" not in client.get(ranking_url).content.decode()
    assert client.post(url, {"action": "umumkan"}).status_code == 302
    assert status_of(scored.period) == Period.Status.PUBLISHED
    refused = client.post(url, {"action": "buka", "reason": ""})
    assert refused.status_code == 422
    assert client.post(url, {"action": "buka", "reason": "Keberatan"}).status_code == 302
    assert "digantikan" in client.get(url).content.decode()


def test_admin_shows_a_frozen_periods_team_read_only(scored, admin_client):
    url = f"/admin/evaluations/period/{scored.period.pk}/change/"
    assert 'name="team_members-0-user"' in admin_client.get(url).content.decode()
    run("freeze_ranking", scored.period)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="team_members-0-user"' not in page.content.decode()
    assert admin_client.get("/admin/awards/resultsnapshot/").status_code == 200
    assert admin_client.get("/admin/awards/resultsnapshot/add/").status_code == 403


def test_the_meeting_records_who_attended_and_refuses_a_stranger(scored):
    with pytest.raises(CommandError, match="Bukan anggota tim periode ini: tapem_bekasi"):
        run("freeze_ranking", scored.period, "--attendees", "penilai_bekasi,tapem_bekasi")
    assert status_of(scored.period) == Period.Status.OPEN  # nothing happened, not even closing
    out = json.loads(run("freeze_ranking", scored.period, "--attendees", "penilai_lintas"))
    with scope(region=scored.region):
        data = ResultSnapshot.objects.get(pk=out["snapshot"]).data
    assert [a["username"] for a in data["meeting"]["attendees"]] == ["penilai_lintas"]


def test_by_default_the_last_stage_team_attended(scored):
    out = json.loads(run("freeze_ranking", scored.period))
    with scope(region=scored.region):
        data = ResultSnapshot.objects.get(pk=out["snapshot"]).data
    assert [a["username"] for a in data["meeting"]["attendees"]] == [
        "penilai_bekasi", "penilai_lintas",
    ]  # fmt: skip
