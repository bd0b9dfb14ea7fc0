from django.db import migrations


class Migration(migrations.Migration):
    """The moved tables take this app's names (foreign keys follow the rename)."""

    dependencies = [
        ("regions", "0001_initial"),
        ("instruments", "0002_region_moves_to_regions"),
        ("evaluations", "0004_tenancy_moves_to_regions"),
    ]

    operations = [
        migrations.AlterModelTable(name="region", table=None),
        migrations.AlterModelTable(name="kecamatan", table=None),
        migrations.AlterModelTable(name="membership", table=None),
    ]
