from django.apps import AppConfig


class ActesConfig(AppConfig):
    name = "modules.actes"
    label = "actes"
    verbose_name = "Actes de gestion"
