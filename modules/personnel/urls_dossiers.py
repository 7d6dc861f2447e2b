"""Agents' files: list and search, exports, agent page and its forms."""

from django.urls import URLPattern, path

from modules.personnel import vues_dossiers as vues

urlpatterns: list[URLPattern] = [
    path("", vues.liste, name="liste"),
    path("export.csv", vues.exporter, {"format": "csv"}, name="export_csv"),
    path("export.xlsx", vues.exporter, {"format": "xlsx"}, name="export_xlsx"),
    path("nouveau/", vues.agent_creer, name="agent_creer"),
    path("<int:agent_id>/", vues.agent, name="agent"),
    path("<int:agent_id>/modifier/", vues.agent_modifier, name="agent_modifier"),
    path("<int:agent_id>/enfants/ajouter/", vues.enfant_ajouter, name="enfant_ajouter"),
    path(
        "<int:agent_id>/enfants/<int:enfant_id>/retirer/",
        vues.enfant_retirer,
        name="enfant_retirer",
    ),
    path("<int:agent_id>/evenements/ajouter/", vues.evenement_ajouter, name="evenement_ajouter"),
    path(
        "evenements/<int:evenement_id>/corriger/",
        vues.evenement_corriger,
        name="evenement_corriger",
    ),
    path(
        "evenements/<int:evenement_id>/annuler/", vues.evenement_annuler, name="evenement_annuler"
    ),
]
