"""Issue 9 (bulk acts): operations filled by the bulk-acts work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("actes", "0002_catalogue")]

    operations: list[migrations.operations.base.Operation] = []
