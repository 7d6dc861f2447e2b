from django.apps import AppConfig


class EchangesConfig(AppConfig):
    name = "modules.echanges"
    label = "echanges"
    verbose_name = "Échanges avec le Trésor (côté ordonnateur)"
