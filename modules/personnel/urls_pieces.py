"""Supporting documents and the personal-data access journal."""

from django.urls import URLPattern, path

from modules.personnel import vues_pieces

urlpatterns: list[URLPattern] = [
    path("<int:agent_id>/pieces/ajouter/", vues_pieces.piece_ajouter, name="piece_ajouter"),
    path("pieces/<int:piece_id>/", vues_pieces.piece_telecharger, name="piece_telecharger"),
    path("acces/", vues_pieces.acces_journal, name="acces_journal"),
]
