# Profile fields of the onboarding wizard (onboarding/assistant): sigle, TGR code, logo.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0004_transfertagent'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='sigle',
            field=models.CharField(blank=True, db_default='', default='', max_length=20, verbose_name='sigle'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='code_ordonnateur',
            field=models.CharField(blank=True, db_default='', default='', max_length=20, verbose_name='code ordonnateur (TGR)'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='logo_sha256',
            field=models.CharField(blank=True, db_default='', default='', max_length=64),
        ),
        migrations.AddField(
            model_name='organisation',
            name='logo_type',
            field=models.CharField(blank=True, db_default='', default='', max_length=16),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('code_ordonnateur', ''), _negated=True), fields=('code_ordonnateur',), name='organisation_code_ordonnateur_unique'),
        ),
    ]
