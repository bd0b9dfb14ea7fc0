"""factory_boy factories for tenant data; build them inside `scopes_disabled()`."""

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from regions.models import Kecamatan, Region

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("rahasia-uji")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kabupaten Uji {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Region.Kind.KABUPATEN
    head_title = "Bupati"


class KecamatanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kecamatan
        django_get_or_create = ("region", "slug")

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Kecamatan {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
