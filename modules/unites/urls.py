from django.urls import URLPattern

app_name = "unites"

urlpatterns: list[URLPattern] = []
