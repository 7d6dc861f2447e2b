"""Moves of agents between ordonnateurs (transfer, détachement, mise à disposition)."""

from django.urls import URLPattern, path

from modules.personnel import vues_transferts as vues

urlpatterns: list[URLPattern] = [
    path("<int:agent_id>/transfert/", vues.transfert_proposer, name="transfert_proposer"),
    path("transferts/", vues.transferts_liste, name="transferts"),
    path(
        "transferts/<int:transfert_id>/accepter/",
        vues.transfert_accepter,
        name="transfert_accepter",
    ),
    path(
        "transferts/<int:transfert_id>/refuser/", vues.transfert_refuser, name="transfert_refuser"
    ),
    path(
        "transferts/<int:transfert_id>/annuler/", vues.transfert_annuler, name="transfert_annuler"
    ),
]
