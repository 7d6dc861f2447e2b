from django.apps import AppConfig


class PaieConfig(AppConfig):
    name = "modules.paie"
    label = "paie"
    verbose_name = "Paie"
