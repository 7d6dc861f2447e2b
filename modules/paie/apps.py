from django.apps import AppConfig


class PaieConfig(AppConfig):
    name = "modules.paie"
    label = "paie"
    verbose_name = "Paie"

    def ready(self) -> None:
        # The gateway's `paie` port (the kernel never imports modules: they plug in), and the
        # population the Treasury's copy starts from (`manage.py echange reprise_tresor`).
        from exchange import facade as echange
        from modules.paie import echange as paie_echange
        from modules.personnel import facade as personnel

        echange.recepteur_enregistrer("paie", paie_echange.paie_recevoir, charge=True)
        echange.reprise_enregistrer(personnel.reprise_tresor)
