from django.db import migrations


class Migration(migrations.Migration):
    """The person facts now live on `Profile` (moved by 0005)."""

    dependencies = [("regions", "0005_profile_from_membership")]

    operations = [
        migrations.RemoveField(model_name="membership", name="nip"),
        migrations.RemoveField(model_name="membership", name="position"),
    ]
