"""Django admin writes around the services, so what is a recorded state cannot change there."""

from django_scopes import scopes_disabled

from evaluations.decisions import absence_record
from instruments.models import InstrumentSet


def test_period_status_and_set_status_are_read_only_in_admin(admin_client, make_period):
    period = make_period().period
    with scopes_disabled():
        InstrumentSet.objects.filter(pk=period.instrument_set_id).update(status="frozen")
    page = admin_client.get(f"/admin/evaluations/period/{period.pk}/change/").content.decode()
    assert 'name="status"' not in page
    page = admin_client.get(
        f"/admin/instruments/instrumentset/{period.instrument_set_id}/change/"
    ).content.decode()
    assert 'name="status"' not in page
    admin_client.post(
        f"/admin/instruments/instrumentset/{period.instrument_set_id}/change/",
        {"status": "draft"},
    )
    with scopes_disabled():
        assert InstrumentSet.objects.get(pk=period.instrument_set_id).status == "frozen"


def test_transitions_cannot_be_edited_in_admin(admin_client, make_period):
    make_period()  # opening the period records one transition
    assert admin_client.get("/admin/regions/transition/").status_code == 200
    assert admin_client.get("/admin/regions/transition/add/").status_code == 403


def test_absences_and_tie_decisions_are_shown_but_never_written_in_admin(admin_client, make_period):
    setup = make_period(kecamatan=("Jatiasih",))
    with scopes_disabled():
        period = setup.period
        row = absence_record(
            period=period,
            stage=period.instrument_set.stages.get(),
            kecamatan=period.participations.get().kecamatan,
            member=setup.penilai[1],
            kind="absent",
            reason="Dinas luar kota",
            by=None,
        )
    listing = admin_client.get("/admin/evaluations/memberabsence/")
    assert listing.status_code == 200 and "Jatiasih" in listing.content.decode()
    assert admin_client.get("/admin/evaluations/memberabsence/add/").status_code == 403
    admin_client.post(f"/admin/evaluations/memberabsence/{row.pk}/change/", {"reason": "diubah"})
    admin_client.post(f"/admin/evaluations/memberabsence/{row.pk}/delete/", {"post": "yes"})
    with scopes_disabled():
        assert [r.reason for r in type(row).objects.all()] == ["Dinas luar kota"]
    assert admin_client.get("/admin/evaluations/tiedecision/add/").status_code == 403
