"""The demo's accounts are people: a name with gelar, jabatan, pangkat and a valid NIP."""

import io

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from evaluations.demo_people import bare_name
from regions.models import Membership, Profile
from regions.people import validate_nip

pytestmark = pytest.mark.django_db


def _facts():
    return sorted(
        Profile.objects.values_list(
            "user__username", "full_name", "nip", "jabatan", "pangkat", "instansi"
        )
    )


def test_every_demo_account_is_a_person_and_a_second_load_changes_nothing():
    call_command("load_demo", "--no-scores", stdout=io.StringIO())
    with scopes_disabled():
        members = set(Membership.objects.values_list("user__username", flat=True))
    profiles = {p.user.username: p for p in Profile.objects.select_related("user")}
    assert members <= set(profiles)
    for username in members:
        profile = profiles[username]
        assert "," in profile.full_name and profile.jabatan and profile.instansi, username
        if profile.pangkat:  # a civil servant
            validate_nip(profile.nip)
        else:  # an academic or the elected head of region
            assert profile.nip == "", username
    names = [bare_name(profiles[u].full_name) for u in members]
    assert len(set(names)) == len(names)

    assert profiles["op-bekasi-bantargebang"].jabatan == "Kasi Pemerintahan Kecamatan Bantargebang"
    assert profiles["tapem-bekasi"].jabatan == "Kepala Bagian Tata Pemerintahan"
    assert profiles["penilai-bekasi-1"].jabatan == "Asisten Pemerintahan dan Kesra"
    assert profiles["penilai-bekasi-1"].full_name.startswith("Dr. ")
    academic = profiles["penilai-bekasi-5"]
    assert (academic.jabatan, academic.instansi) == (
        "Dosen Ilmu Pemerintahan",
        "Universitas Islam 45 Bekasi",
    )
    assert profiles["pimpinan-bekasi"].jabatan == "Wali Kota Bekasi"

    # A name corrected in the app survives the next load.
    Profile.objects.filter(user__username="tapem-bekasi").update(full_name="Drs. Ganti, M.Si.")
    before = _facts()
    call_command("load_demo", "--no-scores", stdout=io.StringIO())
    assert _facts() == before


def test_the_demo_seats_full_teams_as_the_texts_appoint_them():
    """Banggai stage 3, Pasal 14 ayat (2) huruf a-d: nine members; no stage of any demo
    period is short of its minimum."""
    from evaluations.models import TeamMember
    from instruments.models import Stage

    call_command("load_demo", stdout=io.StringIO())
    with scopes_disabled():
        seats = {
            (stage.instrument_set.region.slug, stage.code): (
                TeamMember.objects.filter(stage=stage).count(),
                stage.min_team_size,
            )
            for stage in Stage.objects.select_related("instrument_set__region")
        }
    assert seats["banggai", "T3"] == (9, 9)
    assert seats["banggai", "T1"] == (5, 1)
    assert all(count >= minimum for count, minimum in seats.values())
