from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Bot responses"

    def ready(self) -> None:
        from responses import signals
        from responses.claims import sync_builtin_claims

        signals.connect()
        post_migrate.connect(sync_builtin_claims, sender=self, dispatch_uid="builtin-claims")
