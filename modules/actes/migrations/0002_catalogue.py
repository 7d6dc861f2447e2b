"""Issue 9 (catalogue, ordres de recette): operations filled by the catalogue work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("actes", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
