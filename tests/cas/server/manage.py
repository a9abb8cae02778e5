#!/usr/bin/env python
"""The CAS server the tests in tests/cas sign in at: django-mama-cas, a real CAS 1/2/3
server, in a Django project of its own (own settings, SQLite), run as its own process."""

import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    os.environ["DJANGO_SETTINGS_MODULE"] = "casserver.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
