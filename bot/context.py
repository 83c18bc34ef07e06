"""What every action may use: who the bot is, the content, Slack, chance."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class RandomSource(Protocol):
    def random(self) -> float: ...


@dataclass
class Context:
    bot_user_id: str
    bot_id: str
    index: Any  # responses.index.ContentIndex
    client: Any  # slack_sdk.WebClient, for reads (files.info); replies go through the sender
    channel_id: Callable[[str], str | None]
    channel_name: Callable[[str], str | None]
    public_channel_name: Callable[[str], str | None]  # None for private and unknown channels
    random: RandomSource
    # Shares Go source on the Playground and returns its link (replay_event's dry run swaps it).
    share_code: Callable[[bytes], str] | None = None

    def share(self, source: bytes) -> str:
        if self.share_code is not None:
            return self.share_code(source)
        from bot.playground_upload import upload

        return upload(source)


# Tests swap this for a fixed source so rare reactions and coin flips are deterministic.
RANDOM: RandomSource = random.Random()


def current_context() -> Context:
    """The context of the running worker: each piece is cached by its own module."""
    from responses.index import get_index
    from slackapi.channels import channel_id, channel_name, public_channel_name
    from slackapi.client import get_client
    from slackapi.identity import bot_identity

    identity = bot_identity()
    return Context(
        bot_user_id=identity.user_id,
        bot_id=identity.bot_id,
        index=get_index(),
        client=get_client(),
        channel_id=channel_id,
        channel_name=channel_name,
        public_channel_name=public_channel_name,
        random=RANDOM,
    )
