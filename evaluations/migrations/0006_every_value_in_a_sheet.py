import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """0005 put every stored value into its sheet; from now on a value has one."""

    dependencies = [
        ("evaluations", "0005_sheets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="scoreentry",
            name="sheet",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="evaluations.sheet",
            ),
        ),
    ]
