"""Issue 9 (catalogue, ordres de recette): operations filled by the catalogue work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("personnel", "0006_effectifs_tresor")]

    operations: list[migrations.operations.base.Operation] = []
