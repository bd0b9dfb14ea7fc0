"""The superuser's side in Django admin: profiles, and roles whose history must survive."""

import pytest
from django.contrib.auth import get_user_model
from django_scopes import scope, scopes_disabled

from regions.models import Membership, Profile
from regions.services import region_user_deactivate
from regions.transitions import transition_history
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_superuser_enters_a_nip_with_spaces(superuser_client, tenancy):
    tapem = UserFactory(username="tapem_baru")
    response = superuser_client.post(
        "/admin/regions/profile/add/",
        {
            "user": tapem.pk,
            "full_name": "Ir. Joko Susanto, M.T.",
            "nip": "19750101 200003 1 002",
            "jabatan": "Kepala Bagian Tata Pemerintahan",
            "pangkat": "IV/a",
            "instansi": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Profile.objects.get(user=tapem).nip == "197501012000031002"


def test_changing_a_role_in_admin_keeps_it_its_status_and_history(superuser_client, tenancy):
    operator = tenancy.users["operator_bantargebang"]
    with scope(region=tenancy.bekasi):
        region_user_deactivate(
            user=operator, region=tenancy.bekasi, by=tenancy.users["tapem_bekasi"], reason="Cuti"
        )
    with scopes_disabled():
        membership = Membership.objects.get(user=operator)
    response = superuser_client.post(
        f"/admin/regions/membership/{membership.pk}/change/",
        {"kecamatan": tenancy.jatiasih.pk, "status": "active"},  # status is read-only
    )
    assert response.status_code == 302, response.content.decode()
    with scope(region=tenancy.bekasi):
        membership = Membership.objects.get(user=operator)
        assert (membership.kecamatan, membership.status) == (tenancy.jatiasih, "inactive")
        assert transition_history(obj=membership).count() == 1
    operator = get_user_model().objects.get(pk=operator.pk)
    assert not operator.has_perm("regions.fill_self_assessment", tenancy.jatiasih)  # inactive
