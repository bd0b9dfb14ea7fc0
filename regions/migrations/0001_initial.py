"""Region, Kecamatan and Membership move here from `evaluations`, rows kept.

The tables stay where they are in this step (state only, `db_table` naming the old tables)
and the content types move with the models, so django-guardian's object permissions, which
point at those content types and their permissions, stay valid. `0002` then renames the
tables to this app's names.
"""

import django.core.validators
import django.db.models.deletion
import regions.models
from django.conf import settings
from django.db import migrations, models


MOVED_MODELS = ("region", "kecamatan", "membership")


def _move(apps, old_app: str, new_app: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=old_app, model__in=MOVED_MODELS).update(
        app_label=new_app
    )


def move_content_types(apps, schema_editor) -> None:
    _move(apps, "evaluations", "regions")


def move_content_types_back(apps, schema_editor) -> None:
    _move(apps, "regions", "evaluations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("evaluations", "0003_region_reserved_slugs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9]+(?:-[a-z0-9]+)*$', 'Gunakan huruf kecil, angka dan tanda hubung saja.'), regions.models.validate_region_slug], verbose_name='kode URL')),
                        ('name', models.CharField(max_length=120, unique=True, verbose_name='nama')),
                        ('kind', models.CharField(choices=[('kota', 'Kota'), ('kabupaten', 'Kabupaten')], max_length=20, verbose_name='jenis')),
                        ('head_title', models.CharField(help_text='Misalnya Bupati atau Wali Kota.', max_length=40, verbose_name='jabatan kepala daerah')),
                        ('is_active', models.BooleanField(default=True, verbose_name='aktif')),
                    ],
                    options={
                        'db_table': 'evaluations_region',
                        'verbose_name': 'pemerintah daerah',
                        'verbose_name_plural': 'pemerintah daerah',
                        'ordering': ['name'],
                        'permissions': [('manage_region', 'Mengelola evaluasi di pemerintah daerah (Admin Tapem)'), ('view_results', 'Melihat hasil evaluasi pemerintah daerah'), ('score_region', 'Menilai sebagai penilai di pemerintah daerah')],
                    },
                ),
                migrations.CreateModel(
                    name='Kecamatan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=60, validators=[django.core.validators.RegexValidator('^[a-z0-9]+(?:-[a-z0-9]+)*$', 'Gunakan huruf kecil, angka dan tanda hubung saja.')], verbose_name='kode URL')),
                        ('name', models.CharField(max_length=120, verbose_name='nama')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='kecamatan_set', to='regions.region')),
                    ],
                    options={
                        'db_table': 'evaluations_kecamatan',
                        'verbose_name': 'kecamatan',
                        'verbose_name_plural': 'kecamatan',
                        'ordering': ['name'],
                        'permissions': [('fill_self_assessment', 'Mengisi penilaian mandiri kecamatan')],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('admin_tapem', 'Admin Tapem'), ('operator', 'Operator kecamatan'), ('penilai', 'Penilai'), ('pimpinan', 'Pimpinan')], max_length=20, verbose_name='peran')),
                        ('position', models.CharField(blank=True, help_text='Misalnya Kepala Bagian Tapem.', max_length=200, verbose_name='jabatan')),
                        ('nip', models.CharField(blank=True, max_length=30, verbose_name='NIP')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('kecamatan', models.ForeignKey(blank=True, help_text='Wajib untuk operator kecamatan, kosong untuk peran lain.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='operators', to='regions.kecamatan')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='regions.region')),
                    ],
                    options={
                        'db_table': 'evaluations_membership',
                        'verbose_name': 'peran pengguna',
                        'verbose_name_plural': 'peran pengguna',
                        'ordering': ['region', 'role', 'user__username'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'region', 'role'), name='membership_unique_role'), models.CheckConstraint(condition=models.Q(models.Q(('role', 'operator'), ('kecamatan__isnull', False)), models.Q(models.Q(('role', 'operator'), _negated=True), ('kecamatan__isnull', True)), _connector='OR'), name='membership_operator_has_kecamatan')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='kecamatan',
                    constraint=models.UniqueConstraint(fields=('region', 'slug'), name='kecamatan_unique_slug'),
                ),
                migrations.AddConstraint(
                    model_name='kecamatan',
                    constraint=models.UniqueConstraint(fields=('region', 'name'), name='kecamatan_unique_name'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
