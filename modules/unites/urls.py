from django.urls import path

from modules.unites import views

app_name = "unites"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouvelle/", views.creer, name="creer"),
    path("import/", views.importer, name="importer"),
    path("export.csv", views.exporter, {"format": "csv"}, name="export_csv"),
    path("export.xlsx", views.exporter, {"format": "xlsx"}, name="export_xlsx"),
    path("<int:unite_id>/modifier/", views.modifier, name="modifier"),
    path("<int:unite_id>/deplacer/", views.deplacer, name="deplacer"),
    path("<int:unite_id>/desactiver/", views.desactiver, name="desactiver"),
    path("<int:unite_id>/reactiver/", views.reactiver, name="reactiver"),
]
