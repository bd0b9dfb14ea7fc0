"""People appear by name with gelar (and jabatan), never by the username they log in with."""

import pytest
from django.template import Context, Template
from django_scopes import scope

from evaluations.services import period_create, team_set
from instruments.services import instrument_set_import_data
from regions.people import person_name, person_with_jabatan
from tests.factories import UserFactory
from tests.instruments.builders import tiny_set

pytestmark = pytest.mark.django_db


def _render(source, **context):
    return Template("{% load people %}" + source).render(Context(context))


def test_the_filters_print_name_jabatan_and_grouped_nip(tenancy):
    tapem = tenancy.users["tapem_bekasi"]
    assert _render("{{ u|person }}", u=tapem) == "Dr. Siti Aminah, M.Si."
    assert _render("{{ u|person_with_jabatan }}", u=tapem) == (
        "Dr. Siti Aminah, M.Si. · Kepala Bagian Tata Pemerintahan"
    )
    assert _render("{{ u.profile.nip|nip }}", u=tapem) == "19850317 201001 2 003"
    # A username from the engine's results, looked up in a selector's mapping.
    assert _render("{{ 'x'|user_in:people|person }}", people={"x": tapem}) == (
        "Dr. Siti Aminah, M.Si."
    )
    assert _render("{{ 'mandiri'|user_in:people|person }}", people={}) == "mandiri"


def test_an_account_without_a_profile_falls_back_to_its_name_then_username():
    assert person_name(UserFactory(username="admin2", first_name="Andi", last_name="Wijaya")) == (
        "Andi Wijaya"
    )
    bare = UserFactory(username="admin3")
    assert person_name(bare) == "admin3" and person_with_jabatan(bare) == "admin3"


def test_the_user_menu_names_the_person(tenancy, login):
    page = login(tenancy.users["operator_bantargebang"]).get("/bekasi/").content.decode()
    assert "<summary>Rudi Hartono, S.Kom.</summary>" in page
    assert "operator_bantargebang" not in page


def test_the_period_page_names_the_team(tenancy, login):
    users = tenancy.users
    with scope(region=tenancy.bekasi):
        instrument_set = instrument_set_import_data(region=tenancy.bekasi, data=tiny_set())
        period = period_create(
            region=tenancy.bekasi,
            slug="2026",
            name="Evaluasi 2026",
            year_evaluated=2025,
            instrument_set=instrument_set,
            kecamatan=[tenancy.bantargebang],
        )
        team_set(
            period=period,
            stage=instrument_set.stages.get(),
            seats=[(users["penilai_lintas"], "ketua"), (users["penilai_bekasi"], "anggota")],
        )
    page = login(users["pimpinan_bekasi"]).get("/bekasi/periode/2026/").content.decode()
    assert "Prof. Dr. Budi Prasetyo, M.A. <small" in page
    assert "Ir. Bambang Sutrisno, M.T. <small" in page
    assert "penilai_lintas" not in page and "penilai_bekasi" not in page
