"""The person facts kept on each role (`Membership.position`, `Membership.nip`) move to the
person's one `Profile`; the name comes from the account's first and last name.

A person holding roles in several regions had the facts once per role: different jabatan
are kept side by side ("A; B"). A NIP is stored as digits; this refuses to run (naming the
accounts, so the superuser can correct them in Django admin first) rather than drop a NIP
that does not fit 18 characters, differs between one person's roles, or belongs to two
accounts. Reversible: going back copies the profile's jabatan and NIP onto every role.
"""

import re

from django.conf import settings
from django.db import migrations

JABATAN_LENGTH = 200


def to_profiles(apps, schema_editor) -> None:
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Membership = apps.get_model("regions", "Membership")
    Profile = apps.get_model("regions", "Profile")
    facts: dict[int, tuple[list[str], set[str]]] = {}
    for user_id, position, nip in Membership.objects.order_by("pk").values_list(
        "user_id", "position", "nip"
    ):
        jabatan, nips = facts.setdefault(user_id, ([], set()))
        if position.strip() and position.strip() not in jabatan:
            jabatan.append(position.strip())
        if re.sub(r"\s+", "", nip):
            nips.add(re.sub(r"\s+", "", nip))

    problems = []
    owners: dict[str, str] = {}
    profiles = []
    for user in User.objects.order_by("pk"):
        jabatan, nips = facts.get(user.pk, ([], set()))
        joined = "; ".join(jabatan)
        if len(joined) > JABATAN_LENGTH:
            problems.append(f"{user.username}: jabatan lebih dari {JABATAN_LENGTH} karakter")
        if len(nips) > 1:
            problems.append(f"{user.username}: NIP berbeda pada perannya ({', '.join(sorted(nips))})")
        nip = next(iter(nips), "")
        if len(nip) > 18:
            problems.append(f"{user.username}: NIP {nip} lebih dari 18 karakter")
        if nip and nip in owners:
            problems.append(f"{user.username}: NIP {nip} juga milik {owners[nip]}")
        owners.setdefault(nip, user.username)
        full_name = f"{user.first_name} {user.last_name}".strip()
        profiles.append(Profile(user=user, full_name=full_name, jabatan=joined, nip=nip))
    if problems:
        raise RuntimeError(
            "Perbaiki dulu data peran ini di Django admin, lalu ulangi migrate: "
            + "; ".join(problems)
        )
    Profile.objects.bulk_create(profiles, batch_size=500)


def to_memberships(apps, schema_editor) -> None:
    Membership = apps.get_model("regions", "Membership")
    Profile = apps.get_model("regions", "Profile")
    for user_id, jabatan, nip in Profile.objects.values_list("user_id", "jabatan", "nip"):
        Membership.objects.filter(user_id=user_id).update(position=jabatan, nip=nip)
    Profile.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0004_profile"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(to_profiles, to_memberships)]
