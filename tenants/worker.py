"""Entry point of the dramatiq worker: `dramatiq tenants.worker`.

Sets Django up, then imports every installed app's actors module so the worker knows them.
"""

import importlib
import importlib.util
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup()

from django.apps import apps  # noqa: E402

for app_config in apps.get_app_configs():
    module_name = f"{app_config.name}.actors"
    if importlib.util.find_spec(module_name) is not None:
        importlib.import_module(module_name)
