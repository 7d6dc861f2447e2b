from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Raccordement et déploiement national"

    def ready(self) -> None:
        # The gateway's `essai` port: the Treasury's acknowledgement of the wizard's test.
        from exchange import facade as echange
        from onboarding.assistant import echange as essai

        echange.recepteur_enregistrer("essai", essai.accuse_recevoir)
