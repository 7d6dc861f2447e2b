from django.urls import path

from console import views, views_cycle_de_vie, views_echanges

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/export.csv", views.organisations_csv, name="organisations-csv"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<str:code>/acces/",
        views_cycle_de_vie.organisation_cycle_de_vie,
        name="organisation-cycle",
    ),
    path("deploiement/", views.deploiement, name="deploiement"),
    path("echanges/", views_echanges.flux, name="echanges"),
    path("echanges/fichiers/", views_echanges.fichiers, name="echanges-fichiers"),
    path(
        "echanges/fichiers/<int:fichier_id>/decision",
        views_echanges.fichier_decider,
        name="echanges-decision",
    ),
    path("jobs/", views.failed_jobs, name="failed-jobs"),
    path("jobs/<int:failed_job_id>/retry", views.failed_job_retry, name="failed-job-retry"),
]
