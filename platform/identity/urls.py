from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("oidc/login", views.login_start, name="login"),
    path("oidc/callback", views.login_callback, name="callback"),
    path("oidc/handoff", views.login_handoff, name="handoff"),
    path("oidc/logout", views.logout_view, name="logout"),
    path("oidc/apres-deconnexion", views.after_logout, name="after-logout"),
]
