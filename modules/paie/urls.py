from django.urls import URLPattern, URLResolver

app_name = "paie"

urlpatterns: list[URLPattern | URLResolver] = []
