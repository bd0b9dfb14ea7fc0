"""NIP, pangkat/golongan and names with gelar: the person facts and how they print."""

import pytest
from django.core.exceptions import ValidationError

from regions.people import format_nip, nip_digits, short_name, validate_nip
from regions.services import profile_update
from tests.factories import UserFactory

VALID = "198503172010011003"  # born 17 March 1985, TMT CPNS January 2010, male, serial 003


def _refusal(value):
    with pytest.raises(ValidationError) as caught:
        validate_nip(value)
    return " ".join(caught.value.messages)


def test_a_valid_nip_passes_and_prints_grouped():
    validate_nip(VALID)
    validate_nip("199001012015022001")  # a woman (sex digit 2)
    assert format_nip(VALID) == "19850317 201001 1 003"


def test_spaces_are_accepted_and_stored_as_digits_only():
    validate_nip("19850317 201001 1 003")
    validate_nip(" 19850317  201001 1 003 ")
    assert nip_digits("19850317 201001 1 003") == VALID


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("19850317201001100", "NIP terdiri dari 18 angka; yang diisi 17 angka."),
        ("1985031720100110031", "NIP terdiri dari 18 angka; yang diisi 19 angka."),
        ("19850317201001100A", "NIP hanya boleh berisi angka (spasi boleh)."),
        ("1985-0317-2010-011003", "NIP hanya boleh berisi angka"),
        ("198502302010011003", "Delapan angka pertama NIP (19850230) harus tanggal lahir"),
        ("198513012010011003", "Delapan angka pertama NIP (19851301)"),
        ("198503172010131003", "Angka ke-9 sampai ke-14 NIP (201013) harus bulan TMT CPNS"),
        ("198503172010001003", "Angka ke-9 sampai ke-14 NIP (201000)"),
        ("198503171984011003", "TMT CPNS pada NIP (198401) tidak mungkin sebelum tanggal lahir"),
        ("198503172010013003", "Angka ke-15 NIP (3) menunjukkan jenis kelamin"),
        ("198503172010010003", "Angka ke-15 NIP (0)"),
    ],
)
def test_a_nip_that_cannot_be_one_is_refused_in_indonesian(value, message):
    assert message in _refusal(value)


def test_every_reason_is_given_at_once():
    refusal = _refusal("198502302010133003")
    assert "tanggal lahir" in refusal and "TMT CPNS" in refusal and "jenis kelamin" in refusal


def test_a_birth_date_in_the_future_is_impossible():
    assert "tanggal lahir" in _refusal("209901012020011001")


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Dr. Siti Aminah, S.Sos., M.Si.", "Dr. Siti Aminah, M.Si."),
        ("Ir. H. Bambang Wijaya, M.T.", "Ir. H. Bambang Wijaya, M.T."),
        ("Prof. Dr. Ahmad Yani, S.H., M.H., LL.M.", "Prof. Dr. Ahmad Yani, LL.M."),
        ("Rina Kusuma", "Rina Kusuma"),
    ],
)
def test_running_text_keeps_the_front_gelar_and_the_highest_back_gelar(full, short):
    assert short_name(full) == short


@pytest.mark.django_db
def test_a_nip_belongs_to_one_person_and_an_academic_needs_none():
    siti, budi = UserFactory(), UserFactory()
    profile = profile_update(user=siti, full_name="Siti Aminah", nip="19850317 201001 1 003")
    assert profile.nip == VALID
    profile_update(user=budi, full_name="Prof. Budi, Ph.D.", jabatan="Dosen")  # no NIP
    profile_update(user=UserFactory(), full_name="Tanpa NIP juga")  # empty NIPs never clash
    with pytest.raises(ValidationError) as caught:
        profile_update(user=budi, full_name="Prof. Budi, Ph.D.", nip=VALID)
    assert caught.value.message_dict["nip"] == ["NIP ini sudah terdaftar untuk pengguna lain."]
    budi.profile.refresh_from_db()
    assert budi.profile.nip == ""
    # Saving one's own NIP again is not a clash.
    assert profile_update(user=siti, full_name="Dr. Siti Aminah", nip=VALID).nip == VALID
