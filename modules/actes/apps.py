from django.apps import AppConfig


class ActesConfig(AppConfig):
    name = "modules.actes"
    label = "actes"
    verbose_name = "Actes de gestion"

    def ready(self) -> None:
        # The gateway's `reponses` port (the kernel never imports modules: they plug in).
        from exchange import facade as echange
        from modules.actes import echange as actes_echange

        echange.recepteur_enregistrer("reponses", actes_echange.reponses_recevoir)
