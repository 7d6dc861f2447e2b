from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    label = "exchange"
    verbose_name = "Échanges Wadef@ujour"
