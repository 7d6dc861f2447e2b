"""Entry point of the dramatiq worker: `dramatiq tenants.worker`.

Sets Django up, then imports every installed app's `actors` and `periodiques` modules so the
worker knows their jobs.
"""

import importlib
import importlib.util
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup()

from django.apps import apps  # noqa: E402

for app_config in apps.get_app_configs():
    for part in ("actors", "periodiques"):
        module_name = f"{app_config.name}.{part}"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name)
