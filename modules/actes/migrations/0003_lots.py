"""Issue 9 (bulk acts): a campaign run (LotActes) and the acts it generated (LigneLot); the
versions' impact compressed with lz4 instead of pglz (a campaign writes hundreds of thousands of
impacts of a few kilobytes at once: lz4 compresses several times faster, reads faster too)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("actes", "0002_catalogue")]

    operations: list[migrations.operations.base.Operation] = [
        migrations.CreateModel(
            name="LotActes",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "type_code",
                    models.CharField(
                        default="avancement_echelon", max_length=40, verbose_name="type d'acte"
                    ),
                ),
                ("date_campagne", models.DateField(verbose_name="date de la campagne")),
                ("campagne", models.CharField(max_length=80, verbose_name="campagne")),
                ("unite_code", models.CharField(blank=True, max_length=30, verbose_name="unité")),
                ("perimetre_tout", models.BooleanField(default=False)),
                ("perimetre_racines", models.JSONField(default=list)),
                ("auteur", models.CharField(max_length=255, verbose_name="lancé par")),
                ("cree_le", models.DateTimeField(auto_now_add=True, verbose_name="lancé le")),
                (
                    "statut",
                    models.CharField(
                        choices=[
                            ("en_attente", "En attente"),
                            ("en_cours", "En cours"),
                            ("termine", "Terminé"),
                            ("echec", "Échec"),
                        ],
                        default="en_attente",
                        max_length=12,
                        verbose_name="statut",
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0, verbose_name="agents examinés")),
                ("faits", models.PositiveIntegerField(default=0, verbose_name="agents traités")),
                ("crees", models.PositiveIntegerField(default=0, verbose_name="actes créés")),
                ("rapport", models.JSONField(blank=True, default=dict)),
                ("message", models.TextField(blank=True)),
                ("termine_le", models.DateTimeField(blank=True, null=True)),
                ("valide_par", models.CharField(blank=True, max_length=255)),
                ("valide_le", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "lot d'actes",
                "verbose_name_plural": "lots d'actes",
                "ordering": ["-cree_le", "-id"],
            },
        ),
        migrations.CreateModel(
            name="LigneLot",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("campagne", models.CharField(max_length=80)),
                ("agent_id", models.BigIntegerField()),
                ("unite_code", models.CharField(max_length=30)),
                ("echelon_avant", models.CharField(max_length=5)),
                ("echelon_apres", models.CharField(max_length=5)),
                ("variation_brut", models.BigIntegerField(default=0)),
                ("rappel_brut", models.BigIntegerField(default=0)),
                ("bloquant", models.BooleanField(default=False)),
                ("exclu", models.BooleanField(default=False)),
                (
                    "acte",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ligne_lot",
                        to="actes.acte",
                    ),
                ),
                (
                    "lot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lignes",
                        to="actes.lotactes",
                    ),
                ),
            ],
            options={
                "verbose_name": "acte d'un lot",
                "ordering": ["lot", "id"],
                "indexes": [
                    models.Index(fields=["lot", "unite_code", "id"], name="ligne_lot_unite"),
                    models.Index(fields=["lot", "bloquant", "id"], name="ligne_lot_bloquant"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campagne", "agent_id"), name="lot_campagne_agent"
                    )
                ],
            },
        ),
        migrations.RunSQL(
            sql="ALTER TABLE actes_versionacte ALTER COLUMN impact SET COMPRESSION lz4",
            reverse_sql="ALTER TABLE actes_versionacte ALTER COLUMN impact SET COMPRESSION pglz",
        ),
    ]
