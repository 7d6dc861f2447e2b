from django.urls import path

from modules.habilitations import views

app_name = "habilitations"

urlpatterns = [
    path("", views.member_list, name="members"),
    path("matrice", views.matrix, name="matrix"),
    path("inviter", views.member_invite, name="invite"),
    path("<uuid:user_id>/accorder", views.habilitation_grant, name="grant"),
    path("<uuid:user_id>/retirer", views.habilitation_revoke, name="revoke"),
    path("<uuid:user_id>/desactiver", views.member_deactivate, name="deactivate"),
    path("api/", views.api_clients, name="api-clients"),
    path("acces-assiste/", views.assisted_accesses, name="assisted"),
    path("acces-assiste/<int:access_id>", views.assisted_access_decide, name="assisted-decide"),
    path("api/<slug:client_id>/revoquer", views.api_client_revoke, name="api-client-revoke"),
]
