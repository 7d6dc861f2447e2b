from django.urls import path

from modules.echanges import views

app_name = "echanges"

urlpatterns = [
    path("", views.fichiers, name="fichiers"),
    path("<int:fichier_id>/telecharger", views.telecharger, name="telecharger"),
]
