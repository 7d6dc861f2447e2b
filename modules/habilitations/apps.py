from django.apps import AppConfig


class HabilitationsConfig(AppConfig):
    name = "modules.habilitations"
    label = "habilitations"
    verbose_name = "Habilitations"
