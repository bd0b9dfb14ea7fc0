"""Password guessing is stopped per account and address, without locking out colleagues."""

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji"  # tests.factories.UserFactory


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/akun/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _guess_wrong(client, username, times, address="10.0.0.1"):
    """`times` wrong passwords: the form again with its error, until the limit's lockout."""
    for attempt in range(1, times + 1):
        response = _login(client, username, "tebakan-salah", address)
        locked = attempt >= django_settings.AXES_FAILURE_LIMIT
        assert response.status_code == (429 if locked else 200)


def test_five_wrong_passwords_lock_the_account_from_that_address(client, settings, tenancy):
    _guess_wrong(client, "tapem_bekasi", settings.AXES_FAILURE_LIMIT)
    response = _login(client, "tapem_bekasi", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Terlalu banyak percobaan masuk" in page
    assert f"Coba lagi setelah {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} menit" in (
        page
    )
    assert "_auth_user_id" not in client.session


def test_colleagues_behind_the_same_address_still_log_in(client, settings, tenancy):
    _guess_wrong(client, "tapem_bekasi", settings.AXES_FAILURE_LIMIT)
    response = _login(client, "operator_bantargebang", PASSWORD)
    assert response.status_code == 302


def test_guessing_from_elsewhere_does_not_lock_the_owner_out(client, settings, tenancy):
    _guess_wrong(client, "tapem_bekasi", settings.AXES_FAILURE_LIMIT, address="203.0.113.9")
    response = _login(client, "tapem_bekasi", PASSWORD, address="10.0.0.1")
    assert response.status_code == 302


def test_a_successful_login_forgets_earlier_mistakes(client, settings, tenancy):
    _guess_wrong(client, "tapem_bekasi", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "tapem_bekasi", PASSWORD).status_code == 302
    client.logout()
    _guess_wrong(client, "tapem_bekasi", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "tapem_bekasi", PASSWORD).status_code == 302
