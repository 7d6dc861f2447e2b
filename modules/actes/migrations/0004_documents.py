"""Issue 9 (official documents): the tenant's versioned wording of its arrêtés (ModeleDocument)
and its signatory, place of signature and Hijri offset (ParametresDocuments, one row)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("actes", "0003_lots")]

    operations: list[migrations.operations.base.Operation] = [
        migrations.CreateModel(
            name="ModeleDocument",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("cle", models.CharField(max_length=60, verbose_name="modèle")),
                ("version", models.PositiveIntegerField(verbose_name="version")),
                ("titre_fr", models.CharField(blank=True, max_length=300, verbose_name="titre (français)")),
                ("titre_ar", models.CharField(blank=True, max_length=300, verbose_name="titre (arabe)")),
                ("visas_fr", models.TextField(blank=True, verbose_name="visas (français)")),
                ("visas_ar", models.TextField(blank=True, verbose_name="visas (arabe)")),
                ("articles_fr", models.TextField(blank=True, verbose_name="articles (français)")),
                ("articles_ar", models.TextField(blank=True, verbose_name="articles (arabe)")),
                ("par_defaut", models.BooleanField(default=False, verbose_name="rédaction par défaut")),
                ("modifie_par", models.CharField(max_length=255, verbose_name="modifié par")),
                ("modifie_le", models.DateTimeField(auto_now_add=True, verbose_name="modifié le")),
            ],
            options={
                "verbose_name": "modèle de document",
                "verbose_name_plural": "modèles de documents",
                "ordering": ["cle", "-version"],
                "constraints": [
                    models.UniqueConstraint(fields=("cle", "version"), name="modele_document_version")
                ],
            },
        ),
        migrations.CreateModel(
            name="ParametresDocuments",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("signataire_nom_fr", models.CharField(blank=True, max_length=200, verbose_name="signataire (français)")),
                ("signataire_nom_ar", models.CharField(blank=True, max_length=200, verbose_name="signataire (arabe)")),
                ("signataire_titre_fr", models.CharField(blank=True, max_length=200, verbose_name="qualité (français)")),
                ("signataire_titre_ar", models.CharField(blank=True, max_length=200, verbose_name="qualité (arabe)")),
                ("lieu_fr", models.CharField(blank=True, max_length=100, verbose_name="lieu de signature (français)")),
                ("lieu_ar", models.CharField(blank=True, max_length=100, verbose_name="lieu de signature (arabe)")),
                ("decalage_hijri", models.SmallIntegerField(default=0, verbose_name="décalage de la date hégirienne (jours)")),
                ("modifie_par", models.CharField(blank=True, max_length=255)),
                ("modifie_le", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "paramètres des documents",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="parametres_documents_unique"),
                    models.CheckConstraint(
                        condition=models.Q(("decalage_hijri__gte", -2), ("decalage_hijri__lte", 2)),
                        name="parametres_documents_decalage",
                    ),
                ],
            },
        ),
    ]
