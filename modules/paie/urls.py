from django.urls import URLPattern, URLResolver, path

from modules.paie import views

app_name = "paie"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mois_liste, name="mois"),
    path("<int:mois_id>/", views.etat, name="etat"),
    path("<int:mois_id>/etat.<str:format>", views.etat_export, name="etat_export"),
    path("<int:mois_id>/bulletins/<int:ligne_id>/", views.bulletin, name="bulletin"),
    path("<int:mois_id>/bulletins/<int:ligne_id>/pdf", views.bulletin_pdf, name="bulletin_pdf"),
    path("<int:mois_id>/differences/", views.differences, name="differences"),
    path(
        "<int:mois_id>/differences.<str:format>",
        views.differences_export,
        name="differences_export",
    ),
    path("<int:mois_id>/ecarts/", views.ecarts, name="ecarts"),
    path("<int:mois_id>/ecarts.<str:format>", views.ecarts_export, name="ecarts_export"),
    path("<int:mois_id>/ecarts/relancer", views.ecarts_relancer, name="ecarts_relancer"),
    path("ecarts/<int:ecart_id>/traiter", views.ecart_traiter, name="ecart_traiter"),
]
