"""Project configuration: settings, URL confs, API root, job broker setup."""
