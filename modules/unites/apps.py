from django.apps import AppConfig


class UnitesConfig(AppConfig):
    name = "modules.unites"
    label = "unites"
    verbose_name = "Unités organisationnelles"
