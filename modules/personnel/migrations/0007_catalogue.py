"""Issue 9 (catalogue, ordres de recette): the quotité of traitement a career event sets (a
congé de maladie's half pay, a suspension) and its current value cached on the agent, and the
position « suspension de traitement »."""

import django.core.validators
from django.db import migrations, models

POSITIONS = [
    ("activite", "Activité"),
    ("detachement", "Détachement"),
    ("disponibilite", "Disponibilité"),
    ("mise_a_disposition", "Mise à disposition"),
    ("conge_maladie_moyenne", "Congé de maladie de moyenne durée"),
    ("conge_maladie_longue", "Congé de maladie de longue durée"),
    ("suspension", "Suspension de traitement"),
    ("cessation", "Cessation de fonctions"),
]


class Migration(migrations.Migration):
    dependencies = [("personnel", "0006_effectifs_tresor")]

    operations = [
        migrations.AddField(
            model_name="evenementcarriere",
            name="quotite",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="quotité de traitement (%)",
            ),
        ),
        migrations.AddField(
            model_name="agent",
            name="quotite",
            field=models.PositiveSmallIntegerField(
                db_default=100, default=100, verbose_name="quotité de traitement (%)"
            ),
        ),
        migrations.AlterField(
            model_name="agent",
            name="position",
            field=models.CharField(
                blank=True, choices=POSITIONS, max_length=24, verbose_name="position"
            ),
        ),
        migrations.AlterField(
            model_name="evenementcarriere",
            name="position",
            field=models.CharField(
                blank=True, choices=POSITIONS, max_length=24, verbose_name="position"
            ),
        ),
        migrations.AddConstraint(
            model_name="evenementcarriere",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("quotite__isnull", True), ("quotite__lte", 100), _connector="OR"
                ),
                name="evenement_quotite_pourcentage",
            ),
        ),
    ]
