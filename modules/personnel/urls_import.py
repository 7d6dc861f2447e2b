"""The legacy import: deposit, dry-run report, application, template."""

from django.urls import URLPattern, path

from modules.personnel import vues_import as vues

urlpatterns: list[URLPattern] = [
    path("import/", vues.importer, name="importer"),
    path("import/modele.xlsx", vues.modele, {"format": "xlsx"}, name="import_modele_xlsx"),
    path("import/modele.csv", vues.modele, {"format": "csv"}, name="import_modele_csv"),
    path("import/<int:import_id>/", vues.detail, name="import_detail"),
    path("import/<int:import_id>/appliquer/", vues.appliquer, name="import_appliquer"),
    path("import/<int:import_id>/rapport.xlsx", vues.rapport_telecharger, name="import_rapport"),
]
