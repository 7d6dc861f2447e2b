from django.urls import path

from console import views

app_name = "console"

urlpatterns = [
    path("jobs/", views.failed_jobs, name="failed-jobs"),
    path("jobs/<int:failed_job_id>/retry", views.failed_job_retry, name="failed-job-retry"),
]
