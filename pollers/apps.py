from django.apps import AppConfig


class PollersConfig(AppConfig):
    name = "pollers"
