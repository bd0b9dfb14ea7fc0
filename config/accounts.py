"""The login form in the glossary's words ("kata sandi", one clear message); the password
change form is `regions.forms.PasswordChangeForm`."""

from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class LoginForm(auth_forms.AuthenticationForm):
    # Django's own message names the username field inside a sentence that already says
    # "nama pengguna" ("Masukkan nama pengguna nama pengguna dan sandi yang benar").
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Periksa keduanya; huruf besar dan kecil "
            "dibedakan."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi pengelola aplikasi di daerah Anda."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")
