from django.urls import URLPattern, path

from modules.personnel import vues_postes

urlpatterns: list[URLPattern] = [
    path("postes/", vues_postes.postes, name="postes"),
    path("postes/export.xlsx", vues_postes.postes_export, name="postes_export"),
    path("postes/nouveau/", vues_postes.poste_creer, name="poste_creer"),
    path("postes/<int:poste_id>/modifier/", vues_postes.poste_modifier, name="poste_modifier"),
    path(
        "postes/<int:poste_id>/desactiver/", vues_postes.poste_desactiver, name="poste_desactiver"
    ),
    path("postes/<int:poste_id>/reactiver/", vues_postes.poste_reactiver, name="poste_reactiver"),
]
