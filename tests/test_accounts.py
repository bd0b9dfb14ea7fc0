"""The login and password pages speak the glossary: "nama pengguna", "kata sandi", once."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_wrong_password_says_so_once(client, tenancy):
    response = client.post("/akun/login/", {"username": "tapem_bekasi", "password": "salah"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in page
    assert "nama pengguna nama pengguna" not in page.lower()
    assert page.lower().count("nama pengguna") == 2  # the message and the field's label


def test_the_login_form_labels_its_fields(client):
    page = client.get("/akun/login/").content.decode()
    assert "Nama pengguna" in page and "Kata sandi" in page


def test_the_password_change_form_says_kata_sandi(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    page = client.get("/akun/password/").content.decode()
    assert "Kata sandi lama" in page and "Ulangi kata sandi baru" in page
    assert "Sandi lama" not in page
