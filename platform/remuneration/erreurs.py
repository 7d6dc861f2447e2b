"""Errors a user can cause: each names the input field to fix, in French."""


class DonneeInvalide(ValueError):
    def __init__(self, *, champ: str, message: str) -> None:
        self.champ = champ
        self.message = message
        super().__init__(f"{champ} : {message}")
