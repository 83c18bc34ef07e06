"""A message event, from parsing to the Slack calls it causes (docs/behaviour.md#matching).

parse → match → act: every action that matches runs, and one that fails is
logged without stopping the others.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings

from bot import replies
from bot.context import Context
from bot.functions import FUNCTIONS
from bot.message import Message
from bot.playground import share_on_playground, wants_playground
from bot.prefixes import PREFIXES
from bot.replies import SlackCall
from bot.slack_out import is_retryable
from responses.channel_links import render_channel_links

log = logging.getLogger("bot.pipeline")

ActionFn = Callable[[Context, Message], Iterable[SlackCall]]


@dataclass(frozen=True)
class Action:
    name: str
    run: ActionFn


@dataclass
class Outcome:
    taken: list[str] = field(default_factory=list)
    failed: list[tuple[str, BaseException]] = field(default_factory=list)

    @property
    def retryable(self) -> bool:
        return any(is_retryable(error) for _, error in self.failed)


def _canned(text: str, unfurl: bool) -> ActionFn:
    def canned(ctx: Context, message: Message) -> Iterable[SlackCall]:
        answer = render_channel_links(text, ctx.channel_id)
        yield replies.post_with_mentions(message, answer, unfurl=unfurl)

    return canned


def _reactions(emojis: list[str]) -> ActionFn:
    def react(ctx: Context, message: Message) -> Iterable[SlackCall]:
        for emoji in emojis:
            yield replies.react(message, emoji)

    return react


def _contains_reply(text: str, unfurl: bool) -> ActionFn:
    def reply(ctx: Context, message: Message) -> Iterable[SlackCall]:
        yield replies.post(message, render_channel_links(text, ctx.channel_id), unfurl=unfurl)

    return reply


def _command_action(ctx: Context, text: str) -> Action | None:
    command = ctx.index.command(text)
    if command is None:
        return None
    if command.kind == "function":
        run = FUNCTIONS.get(command.trigger)
        if run is None:
            log.warning("no code for function command", extra={"fields": {"command": text}})
            return None
        return Action(f"command:{command.trigger}", run)
    return Action(f"command:{command.trigger}", _canned(command.text, command.unfurl_links))


def _contains_actions(ctx: Context, message: Message, text: str) -> list[Action]:
    actions = []
    reacted: set[str] = set()  # two rules may ask for the same emoji: add it once
    for rule in ctx.index.contains_rules(text):
        if rule.mention_required and not message.bot_mentioned:
            continue
        if rule.probability < 1 and ctx.random.random() >= rule.probability:
            continue
        emojis = [emoji for emoji in rule.reactions if emoji not in reacted]
        reacted.update(emojis)
        if emojis:
            actions.append(Action(f"react:{rule.id}", _reactions(emojis)))
        if rule.reply:
            actions.append(
                Action(f"reply:{rule.id}", _contains_reply(rule.reply, rule.unfurl_links))
            )
    return actions


def match(ctx: Context, message: Message) -> list[Action]:
    """Every action this message calls for, in the order they run."""
    if message.file_share:
        return [Action("playground", share_on_playground)] if wants_playground(ctx, message) else []
    text = ctx.index.resolve_alias(message.text)  # lower-cased; an alias becomes its command
    addressed = message.is_dm or message.bot_mentioned
    anywhere = addressed or not settings.SHADOW_MODE
    actions: list[Action] = []
    if addressed and text:
        command = _command_action(ctx, text)
        if command:
            actions.append(command)
    if anywhere:
        for prefix in PREFIXES:
            if prefix.matches(text) and (addressed or not prefix.mentioned_only):
                actions.append(Action(f"prefix:{prefix.prefix.strip()}", prefix.action))
        actions.extend(_contains_actions(ctx, message, text))
    if wants_playground(ctx, message):
        actions.append(Action("playground", share_on_playground))
    return actions


def act(
    ctx: Context,
    message: Message,
    actions: list[Action],
    send: Callable[[SlackCall, str], object],
    already_sent: Callable[[str], bool] = lambda key: False,
    sent: Callable[[str], None] = lambda key: None,
) -> Outcome:
    """Run every action; `already_sent`/`sent` let a retried job skip calls made before.

    Each call has a key, `<action>#<number>`, stable across attempts: `send` gets it too.
    """
    outcome = Outcome()
    for action in actions:
        try:
            for number, call in enumerate(action.run(ctx, message)):
                key = f"{action.name}#{number}"
                if not already_sent(key):
                    send(call, key)
                    sent(key)
        except Exception as error:
            outcome.failed.append((action.name, error))
            fields = {"action": action.name, "channel": message.channel, "ts": message.ts}
            log.exception("action failed", extra={"fields": fields})
        else:
            outcome.taken.append(action.name)
    return outcome
