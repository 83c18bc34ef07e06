from django.apps import AppConfig


class LocalDevConfig(AppConfig):
    name = "localdev"
    verbose_name = "Local development"
