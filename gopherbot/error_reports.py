"""What Django's error reports (debug pages, error mails) may show of the settings."""

import re

from django.views.debug import SafeExceptionReporterFilter


class SecretsFilter(SafeExceptionReporterFilter):
    # Django's default list, plus connection URLs: REDIS_URL and the URL of
    # REDIS_CONNECTION (and so RQ_QUEUES) can carry a password (redis://:password@host).
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|LOCATION", flags=re.IGNORECASE
    )
