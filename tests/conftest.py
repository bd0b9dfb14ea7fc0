"""Personas: the people who use Kinerja, in two regions (Kota Bekasi and Kabupaten Tegal)."""

from dataclasses import dataclass

import pytest
from django_scopes import scopes_disabled

from regions.models import Kecamatan, Region, Role
from regions.services import membership_grant, profile_update
from tests.factories import KecamatanFactory, RegionFactory, UserFactory

# Who the personas are: pages print these names, never the usernames tests log in with.
PEOPLE = {
    "tapem_bekasi": {
        "full_name": "Dr. Siti Aminah, S.Sos., M.Si.",
        "nip": "198503172010012003",
        "jabatan": "Kepala Bagian Tata Pemerintahan",
        "pangkat": "IV/a",
        "instansi": "Sekretariat Daerah Kota Bekasi",
    },
    "operator_bantargebang": {
        "full_name": "Rudi Hartono, S.Kom.",
        "nip": "199002142015031001",
        "jabatan": "Kasi Pemerintahan Kecamatan Bantargebang",
        "pangkat": "III/b",
        "instansi": "Kecamatan Bantargebang",
    },
    "penilai_bekasi": {
        "full_name": "Ir. Bambang Sutrisno, M.T.",
        "nip": "197108101998031004",
        "jabatan": "Asisten Pemerintahan dan Kesra",
        "pangkat": "IV/c",
        "instansi": "Sekretariat Daerah Kota Bekasi",
    },
    "pimpinan_bekasi": {
        "full_name": "Drs. Hendra Gunawan, M.Si.",
        "nip": "196805121994031007",
        "jabatan": "Sekretaris Daerah Kota Bekasi",
        "pangkat": "IV/d",
        "instansi": "Pemerintah Kota Bekasi",
    },
    "tapem_tegal": {
        "full_name": "Sri Wahyuni, S.IP., M.Si.",
        "nip": "197912052005012008",
        "jabatan": "Kepala Bagian Pemerintahan",
        "pangkat": "IV/a",
        "instansi": "Sekretariat Daerah Kabupaten Tegal",
    },
    "operator_slawi": {
        "full_name": "Agus Setiawan, A.Md.",
        "nip": "199207232019031002",
        "jabatan": "Kasi Tata Pemerintahan Kecamatan Slawi",
        "pangkat": "II/c",
        "instansi": "Kecamatan Slawi",
    },
    # An academic: no NIP, no pangkat.
    "penilai_lintas": {
        "full_name": "Prof. Dr. Budi Prasetyo, S.IP., M.A.",
        "jabatan": "Dosen Ilmu Pemerintahan",
        "instansi": "Universitas Pancasakti Tegal",
    },
}


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
            if name in PEOPLE:
                profile_update(user=user, **PEOPLE[name])
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
        users["tanpa_peran"] = UserFactory(username="tanpa_peran")  # no name either
    return Tenancy(bekasi, tegal, bantargebang, jatiasih, slawi, users)


@pytest.fixture
def login(client):
    """Log a persona in on the test client: `login(tenancy.users["tapem_bekasi"])`."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
