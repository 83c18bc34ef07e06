import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gopherbot.settings")

_django = get_wsgi_application()

from gateway.fast_path import SlackEventsFastPath  # noqa: E402 (needs Django set up)

application = SlackEventsFastPath(_django)
