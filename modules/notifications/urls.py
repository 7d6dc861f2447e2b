from django.urls import path

from modules.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications, name="liste"),
]
