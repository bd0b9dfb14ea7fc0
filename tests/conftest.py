"""Personas: the people who use Kinerja, in two regions (Kota Bekasi and Kabupaten Tegal)."""

from dataclasses import dataclass

import pytest
from django_scopes import scopes_disabled

from regions.models import Kecamatan, Region, Role
from regions.services import membership_grant
from tests.factories import KecamatanFactory, RegionFactory, UserFactory


@dataclass
class Tenancy:
    bekasi: Region
    tegal: Region
    bantargebang: Kecamatan
    jatiasih: Kecamatan
    slawi: Kecamatan
    users: dict


@pytest.fixture
def tenancy(db) -> Tenancy:
    with scopes_disabled():
        bekasi = RegionFactory(
            slug="bekasi", name="Kota Bekasi", kind=Region.Kind.KOTA, head_title="Wali Kota"
        )
        tegal = RegionFactory(slug="tegal", name="Kabupaten Tegal")
        bantargebang = KecamatanFactory(region=bekasi, name="Bantargebang")
        jatiasih = KecamatanFactory(region=bekasi, name="Jatiasih")
        slawi = KecamatanFactory(region=tegal, name="Slawi")
        users = {}

        def persona(name, region, role, kecamatan=None):
            user = users.get(name) or UserFactory(username=name)
            membership_grant(user=user, region=region, role=role, kecamatan=kecamatan)
            users[name] = user
            return user

        persona("tapem_bekasi", bekasi, Role.ADMIN_TAPEM)
        persona("operator_bantargebang", bekasi, Role.OPERATOR, bantargebang)
        persona("penilai_bekasi", bekasi, Role.PENILAI)
        persona("pimpinan_bekasi", bekasi, Role.PIMPINAN)
        persona("tapem_tegal", tegal, Role.ADMIN_TAPEM)
        persona("operator_slawi", tegal, Role.OPERATOR, slawi)
        # One assessor who sits on teams in both regions.
        persona("penilai_lintas", bekasi, Role.PENILAI)
        persona("penilai_lintas", tegal, Role.PENILAI)
        users["tanpa_peran"] = UserFactory(username="tanpa_peran")
    return Tenancy(bekasi, tegal, bantargebang, jatiasih, slawi, users)


@pytest.fixture
def login(client):
    """Log a persona in on the test client: `login(tenancy.users["tapem_bekasi"])`."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
