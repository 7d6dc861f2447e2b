from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Organisations"

    def ready(self) -> None:
        # The broker must exist before any actor module is imported.
        from tenants import jobs

        jobs.setup_broker()
