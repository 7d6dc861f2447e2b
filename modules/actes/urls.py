"""Pages of the acts module."""

from django.urls import URLPattern, path

from modules.actes import (
    views_acte,
    views_bordereaux,
    views_documents,
    views_listes,
    views_lots,
    views_recettes,
    views_redaction,
)

app_name = "actes"

urlpatterns: list[URLPattern] = [
    path("", views_listes.liste, name="liste"),
    path("export.csv", views_listes.exporter, name="export_csv"),
    path("a-traiter/", views_listes.a_traiter, name="a_traiter"),
    path("a-traiter/compte/", views_listes.a_traiter_compte, name="a_traiter_compte"),
    path("nouveau/", views_redaction.nouveau, name="nouveau"),
    path("<int:acte_id>/", views_acte.acte, name="acte"),
    path("<int:acte_id>/modifier/", views_redaction.modifier, name="modifier"),
    path("<int:acte_id>/corriger/", views_redaction.corriger, name="corriger"),
    path("<int:acte_id>/soumettre/", views_acte.soumettre, name="soumettre"),
    path("<int:acte_id>/valider/", views_acte.valider, name="valider"),
    path("<int:acte_id>/renvoyer/", views_acte.renvoyer, name="renvoyer"),
    path("<int:acte_id>/annuler/", views_acte.annuler, name="annuler"),
    path("<int:acte_id>/document.pdf", views_documents.document_pdf, name="document_pdf"),
    path("documents/modeles/", views_documents.modeles, name="documents_modeles"),
    path("documents/modeles/<str:cle>/", views_documents.modele, name="document_modele"),
    path("documents/signataire/", views_documents.parametres, name="documents_parametres"),
    path("<int:acte_id>/pieces/ajouter/", views_acte.piece_ajouter, name="piece_ajouter"),
    path(
        "<int:acte_id>/pieces/<int:piece_id>/",
        views_acte.piece_telecharger,
        name="piece_telecharger",
    ),
    path(
        "<int:acte_id>/pieces/<int:piece_id>/retirer/",
        views_acte.piece_retirer,
        name="piece_retirer",
    ),
    path("ordres-recette/", views_recettes.ordres, name="ordres_recette"),
    path("ordres-recette/export.csv", views_recettes.ordres_exporter, name="ordres_recette_csv"),
    path("lots/", views_lots.lots_liste, name="lots"),
    path("lots/<int:lot_id>/", views_lots.lot, name="lot"),
    path("lots/<int:lot_id>/export.csv", views_lots.lot_export, name="lot_export"),
    path("lots/<int:lot_id>/valider/", views_lots.lot_valider, name="lot_valider"),
    path("lots/<int:lot_id>/reprendre/", views_lots.lot_relancer, name="lot_relancer"),
    path(
        "lots/<int:lot_id>/lignes/<int:ligne_id>/exclure/",
        views_lots.lot_exclure,
        name="lot_exclure",
    ),
    path("transmission/", views_bordereaux.transmission, name="transmission"),
    path("bordereaux/", views_bordereaux.bordereaux, name="bordereaux"),
    path("bordereaux/<int:bordereau_id>/", views_bordereaux.bordereau, name="bordereau"),
    path(
        "bordereaux/<int:bordereau_id>/export.csv",
        views_bordereaux.bordereau_exporter,
        name="bordereau_export_csv",
    ),
]
