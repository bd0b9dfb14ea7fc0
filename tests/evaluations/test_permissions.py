"""Who can open what, beyond the generated matrix (tests/test_access_matrix.py): which
region a user lands in, and objects of another region reached through one's own URL."""

import pytest
from django_scopes import scopes_disabled

from evaluations.services import period_create
from instruments.services import instrument_set_import_data
from tests.instruments.builders import tiny_set

BEKASI_ROLES = [
    "tapem_bekasi",
    "operator_bantargebang",
    "penilai_bekasi",
    "pimpinan_bekasi",
]


@pytest.fixture
def sets(tenancy):
    """A tiny instrument set and a period `2026` with every kecamatan in both regions."""
    sets = {}
    with scopes_disabled():
        for region, kecamatan in (
            (tenancy.bekasi, [tenancy.bantargebang, tenancy.jatiasih]),
            (tenancy.tegal, [tenancy.slawi]),
        ):
            sets[region.slug] = instrument_set_import_data(region=region, data=tiny_set())
            period_create(
                region=region,
                slug="2026",
                name=f"Evaluasi {region.name} 2026",
                year_evaluated=2025,
                instrument_set=sets[region.slug],
                kecamatan=kecamatan,
            )
    return sets


def _client_for(role, client, tenancy):
    if role != "anonymous":
        client.force_login(tenancy.users[role])
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("tapem_bekasi", 200),
        ("penilai_bekasi", 200),
        ("pimpinan_bekasi", 200),
        ("operator_bantargebang", 404),  # like another region: not revealed
    ],
)
def test_operator_sees_only_own_kecamatan(role, expected, client, tenancy):
    client = _client_for(role, client, tenancy)
    assert client.get("/bekasi/kecamatan/jatiasih/").status_code == expected


@pytest.mark.parametrize("role", BEKASI_ROLES)
def test_another_regions_objects_through_own_region_url_are_not_found(role, client, tenancy, sets):
    client = _client_for(role, client, tenancy)
    assert client.get("/bekasi/kecamatan/slawi/").status_code == 404
    assert client.get(f"/bekasi/instrumen/{sets['tegal'].pk}/").status_code == 404


def test_unknown_region_and_kecamatan_are_indonesian_404_pages(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    for url in ("/kota-antah/", "/kota-antah/kecamatan/", "/bekasi/kecamatan/tidak-ada/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in response.content.decode()


def test_anonymous_unknown_region_is_404_not_a_login_loop(client, db):
    assert client.get("/kota-antah/").status_code == 404


@pytest.mark.parametrize(
    ("role", "expected_status", "expected_location"),
    [
        ("anonymous", 302, "/akun/login/?next=/"),
        ("tapem_bekasi", 302, "/bekasi/"),
        ("operator_slawi", 302, "/tegal/"),
        ("penilai_lintas", 200, None),
        ("tanpa_peran", 200, None),
    ],
)
def test_home_sends_each_user_to_their_region(
    role, expected_status, expected_location, client, tenancy
):
    client = _client_for(role, client, tenancy)
    response = client.get("/")
    assert response.status_code == expected_status
    if expected_location:
        assert response["Location"] == expected_location


def test_region_picker_lists_only_the_users_regions(client, tenancy, db):
    client.force_login(tenancy.users["penilai_lintas"])
    page = client.get("/").content.decode()
    assert "Kota Bekasi" in page and "Kabupaten Tegal" in page


def test_user_without_role_sees_what_to_do(client, tenancy):
    client.force_login(tenancy.users["tanpa_peran"])
    page = client.get("/").content.decode()
    assert "Belum ada peran" in page


@pytest.mark.parametrize(
    ("role", "section"),
    [
        ("tapem_bekasi", "Admin Tapem"),
        ("operator_bantargebang", "Kecamatan saya"),
        ("penilai_bekasi", "Tugas penilaian saya"),
        ("pimpinan_bekasi", "Pimpinan"),
    ],
)
def test_dashboard_shows_the_roles_section(role, section, client, tenancy):
    client.force_login(tenancy.users[role])
    page = client.get("/bekasi/").content.decode()
    assert f"<h2>{section}</h2>" in page
