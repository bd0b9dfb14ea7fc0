"""django-import-export resources: the superuser loads a new region's kecamatan list from
a spreadsheet in Django admin instead of typing dozens of names."""

from typing import Any

from django.utils.text import slugify
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from regions.models import Kecamatan, Region


class KecamatanResource(resources.ModelResource):
    region = fields.Field(
        attribute="region",
        column_name="pemerintah_daerah",
        widget=ForeignKeyWidget(Region, field="slug"),
    )
    name = fields.Field(attribute="name", column_name="nama")
    slug = fields.Field(attribute="slug", column_name="kode")

    class Meta:
        model = Kecamatan
        fields = ("region", "name", "slug")
        import_id_fields = ("region", "slug")
        skip_unchanged = True
        use_transactions = True

    def before_import_row(self, row: dict[str, Any], **kwargs) -> None:
        # A list of names is enough: the URL code is derived when the column is empty.
        if not row.get("kode") and row.get("nama"):
            row["kode"] = slugify(row["nama"])
