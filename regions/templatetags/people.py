"""How people print: by name with gelar (and jabatan), never by their login name.

{% load people %}
{{ user|person }}                 Dr. Siti Aminah, M.Si.
{{ user|person_with_jabatan }}    Dr. Siti Aminah, M.Si. · Kepala Bagian Tata Pemerintahan
{{ profile.nip|nip }}             19850317 201001 1 003
{{ username|user_in:people|person }}   a username from the engine's results, by name
"""

from collections.abc import Mapping

from django import template
from django.contrib.auth.models import AbstractBaseUser

from regions import people

register = template.Library()


@register.filter
def person(user: AbstractBaseUser | str | None) -> str:
    if user is None or isinstance(user, str):
        return user or ""
    return people.person_name(user)


@register.filter
def person_with_jabatan(user: AbstractBaseUser | str | None) -> str:
    if user is None or isinstance(user, str):
        return user or ""
    return people.person_with_jabatan(user)


@register.filter
def nip(value: str | None) -> str:
    return people.format_nip(value or "")


@register.filter
def user_in(username: str, users: Mapping[str, AbstractBaseUser]) -> AbstractBaseUser | str:
    """The user named `username` in `users` (a selector's mapping), or the name itself."""
    return users.get(username, username) if users else username
