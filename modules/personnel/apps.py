from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "modules.personnel"
    label = "personnel"
    verbose_name = "Personnel"

    def ready(self) -> None:
        # The gateway's `situations` port (the kernel never imports modules: they plug in).
        from exchange import facade as echange
        from modules.personnel import echange as personnel_echange

        echange.recepteur_enregistrer("situations", personnel_echange.situations_recevoir)
        echange.recepteur_enregistrer("effectifs", personnel_echange.effectifs_recevoir)
