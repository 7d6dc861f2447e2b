"""Issue 9 (official documents): operations filled by the documents work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("actes", "0003_lots")]

    operations: list[migrations.operations.base.Operation] = []
