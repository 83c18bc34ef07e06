from django.apps import AppConfig


class SlackApiConfig(AppConfig):
    name = "slackapi"
    verbose_name = "Slack Web API"
