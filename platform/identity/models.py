"""A person known to the platform. Keycloak owns credentials; this row mirrors identity."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    id = models.BigAutoField(primary_key=True)
    # The Keycloak subject: usernames may be renamed in Keycloak, the subject never changes.
    keycloak_sub = models.CharField(max_length=64, unique=True, null=True, blank=True)

    def display_name(self) -> str:
        return self.get_full_name() or self.username
