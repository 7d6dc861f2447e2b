from django.urls import path

from onboarding.assistant import views

app_name = "demarrage"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("profil/", views.profil, name="profil"),
    path("logo/<str:empreinte>", views.logo, name="logo"),
]
