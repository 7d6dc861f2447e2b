"""Identity pages on the platform apex only."""

from django.urls import path

from identity import views_assisted

app_name = "assisted"

urlpatterns = [
    path("", views_assisted.operator_requests, name="operator"),
]
