from django.urls import URLPattern, path

from modules.personnel import vues_ecarts

urlpatterns: list[URLPattern] = [
    path("ecarts-tresor/", vues_ecarts.ecarts, name="ecarts"),
    path("ecarts-tresor/<int:ecart_id>/decision", vues_ecarts.ecart_decider, name="ecart_decider"),
]
