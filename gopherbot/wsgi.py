"""The web process's WSGI application (gunicorn gopherbot.wsgi, see the Procfile)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gopherbot.settings")

application = get_wsgi_application()
