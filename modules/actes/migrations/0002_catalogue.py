"""Issue 9 (catalogue, ordres de recette): the ordres de recette established at the visa of
acts that stop or reduce pay already paid, with their months."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("actes", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="OrdreRecette",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("numero", models.CharField(max_length=30, unique=True, verbose_name="numéro")),
                ("agent_id", models.BigIntegerField(blank=True, null=True)),
                ("agent_ppr", models.CharField(blank=True, max_length=20, verbose_name="PPR")),
                ("agent_nom", models.CharField(blank=True, max_length=210, verbose_name="agent")),
                ("unite_code", models.CharField(max_length=30, verbose_name="unité")),
                ("date_effet", models.DateField(verbose_name="date d'effet")),
                ("jour_paie", models.PositiveSmallIntegerField(verbose_name="jour de paie")),
                ("premier_mois", models.DateField(verbose_name="premier mois")),
                ("dernier_mois", models.DateField(verbose_name="dernier mois payé")),
                ("nombre_mois", models.PositiveSmallIntegerField(verbose_name="mois")),
                ("montant_brut", models.BigIntegerField(verbose_name="brut trop payé")),
                ("montant_net", models.BigIntegerField(verbose_name="net à reverser")),
                ("etabli_par", models.CharField(max_length=255)),
                ("etabli_le", models.DateTimeField(auto_now_add=True, verbose_name="établi le")),
                (
                    "acte",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ordre_recette",
                        to="actes.acte",
                        verbose_name="acte",
                    ),
                ),
            ],
            options={
                "verbose_name": "ordre de recette",
                "verbose_name_plural": "ordres de recette",
                "ordering": ["-etabli_le", "-id"],
            },
        ),
        migrations.CreateModel(
            name="LigneOrdreRecette",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("mois", models.DateField(verbose_name="mois")),
                ("brut", models.BigIntegerField(verbose_name="brut trop payé")),
                ("net", models.BigIntegerField(verbose_name="net à reverser")),
                ("net_paye", models.BigIntegerField(verbose_name="net payé")),
                ("net_du", models.BigIntegerField(verbose_name="net dû")),
                (
                    "ordre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lignes",
                        to="actes.ordrerecette",
                    ),
                ),
            ],
            options={"verbose_name": "mois d'un ordre de recette", "ordering": ["ordre", "mois"]},
        ),
        migrations.AddIndex(
            model_name="ordrerecette",
            index=models.Index(fields=["unite_code", "-etabli_le"], name="ordre_recette_unite"),
        ),
        migrations.AddIndex(
            model_name="ordrerecette",
            index=models.Index(fields=["agent_id"], name="ordre_recette_agent"),
        ),
        migrations.AddConstraint(
            model_name="ordrerecette",
            constraint=models.CheckConstraint(
                condition=models.Q(("montant_net__gt", 0), ("montant_brut__gte", 0)),
                name="ordre_recette_montants_positifs",
            ),
        ),
        migrations.AddConstraint(
            model_name="ligneordrerecette",
            constraint=models.UniqueConstraint(
                fields=("ordre", "mois"), name="ligne_ordre_recette_mois"
            ),
        ),
        migrations.AddConstraint(
            model_name="ligneordrerecette",
            constraint=models.CheckConstraint(
                condition=models.Q(("net__gt", 0)), name="ligne_ordre_recette_positive"
            ),
        ),
    ]
