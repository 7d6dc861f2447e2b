from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "modules.personnel"
    label = "personnel"
    verbose_name = "Personnel"
