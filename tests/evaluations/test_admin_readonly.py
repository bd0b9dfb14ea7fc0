"""Django admin writes around the services, so what is a recorded state cannot change there."""

from django_scopes import scopes_disabled

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
