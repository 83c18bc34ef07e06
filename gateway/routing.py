"""Which queue and which job handle each Slack event type
(docs/behaviour.md#routing, step 10)."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Route:
    queue: str
    job: str  # dotted path: the gateway never imports the workers' code


_PRIVATE_CHANNEL_TYPES = {"group", "im", "mpim", "app_home"}


def _message_route(event: dict) -> Route:
    channel_type = event.get("channel_type")
    if isinstance(channel_type, str) and channel_type in _PRIVATE_CHANNEL_TYPES:
        return Route(settings.QUEUE_PRIVATE_MESSAGES, "bot.jobs.handle_message")
    return Route(settings.QUEUE_PUBLIC_MESSAGES, "bot.jobs.handle_message")


_ROUTES = {
    "message": _message_route,
    "team_join": lambda event: Route(settings.QUEUE_TEAM_JOINS, "bot.jobs.handle_team_join"),
    "member_joined_channel": lambda event: Route(
        settings.QUEUE_CHANNEL_JOINS, "bot.jobs.handle_channel_join"
    ),
}


def route_event(event: dict) -> Route | None:
    """The route for `event`, or None for a type the bot does not handle (answered 200, ignored)."""
    router = _ROUTES.get(event["type"])
    return router(event) if router else None
