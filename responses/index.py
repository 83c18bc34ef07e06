"""The content the workers match messages against, compiled once per content version.

Handlers call get_index() per message: that costs one Redis GET of the content
version, and the index is rebuilt from the database only when the version moved
(every content save or delete bumps it, after commit). Exact triggers, aliases
and glossary terms are dict lookups; contains rules are found in one pass over
the text with an Aho-Corasick automaton, however many rules there are.
"""

import logging
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
import redis
from django.apps import apps

from gopherbot.connections import get_redis
from responses.builtins import FUNCTION_COMMANDS
from responses.names import probability, split_emoji, split_list

log = logging.getLogger("responses.index")

VERSION_KEY = "gopherbot:content:version"


@dataclass(frozen=True)
class Command:
    trigger: str
    aliases: tuple[str, ...]
    description: str
    text: str
    kind: str  # "canned" | "function"
    unfurl_links: bool
    show_in_help: bool


@dataclass(frozen=True)
class ContainsRule:
    id: int
    triggers: tuple[str, ...]
    reactions: tuple[str, ...]
    reply: str  # "" when the rule reacts instead
    mention_required: bool
    probability: float
    unfurl_links: bool


@dataclass(frozen=True)
class RecommendedChannel:
    name: str
    description: str
    in_welcome: bool


@dataclass(frozen=True)
class Definition:
    term: str
    definition: str
    alias_used: str | None


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    aliases: tuple[str, ...]
    definition: str


def function_commands() -> list[Command]:
    return [
        Command(
            trigger=c.trigger,
            aliases=c.aliases,
            description=c.description,
            text="",
            kind="function",
            unfurl_links=False,
            show_in_help=True,
        )
        for c in FUNCTION_COMMANDS
    ]


class ContentIndex:
    """Immutable once built; safe to share between threads."""

    def __init__(
        self,
        *,
        commands: Iterable[Command] = (),
        rules: Iterable[ContainsRule] = (),
        glossary: Iterable[GlossaryEntry] = (),
        recommended_channels: Iterable[RecommendedChannel] = (),
        playground_denied_channels: Iterable[str] = (),
        team_welcome: str = "",
        channel_welcomes: dict[str, str] | None = None,
    ) -> None:
        self._commands: dict[str, Command] = {}
        self._aliases: dict[str, str] = {}
        for command in commands:
            # First claim wins; the admin and the database keep names unique anyway.
            self._commands.setdefault(command.trigger.lower(), command)
            for alias in command.aliases:
                self._aliases.setdefault(alias.lower(), command.trigger)

        self._rules = tuple(sorted(rules, key=lambda rule: rule.id))
        self._automaton = ahocorasick.Automaton()
        positions: dict[str, list[int]] = {}
        for position, rule in enumerate(self._rules):
            for trigger in rule.triggers:
                if trigger:
                    positions.setdefault(trigger.lower(), []).append(position)
        for trigger, rule_positions in positions.items():
            self._automaton.add_word(trigger, tuple(rule_positions))
        self._has_rules = bool(positions)
        if self._has_rules:
            self._automaton.make_automaton()

        self._terms: dict[str, tuple[GlossaryEntry, str | None]] = {}
        for entry in glossary:
            self._terms.setdefault(entry.term.lower(), (entry, None))
            for alias in entry.aliases:
                self._terms.setdefault(alias.lower(), (entry, alias))

        self.recommended_channels: tuple[RecommendedChannel, ...] = tuple(recommended_channels)
        self.playground_denied_channels: frozenset[str] = frozenset(playground_denied_channels)
        self.team_welcome: str = team_welcome
        self.channel_welcomes: dict[str, str] = dict(channel_welcomes or {})

    def resolve_alias(self, text: str) -> str:
        """The command trigger when the whole text is an alias; else the text, lower-cased."""
        key = text.lower()
        return self._aliases.get(key, key)

    def command(self, text: str) -> Command | None:
        return self._commands.get(text.lower())

    def contains_rules(self, text: str) -> list[ContainsRule]:
        if not self._has_rules:
            return []
        found = {positions for _, positions in self._automaton.iter(text.lower())}
        matched = sorted({position for positions in found for position in positions})
        return [self._rules[position] for position in matched]

    def define(self, term: str) -> Definition | None:
        hit = self._terms.get(" ".join(term.split()).lower())
        if hit is None:
            return None
        entry, alias = hit
        return Definition(term=entry.term, definition=entry.definition, alias_used=alias)

    def help_commands(self) -> list[Command]:
        shown = [command for command in self._commands.values() if command.show_in_help]
        return sorted(shown, key=lambda command: command.trigger)


def load_index() -> ContentIndex:
    """Build the index from the database (a handful of queries)."""
    from responses import models

    terms = apps.get_model(models.GLOSSARY_TERM)

    # Plain rows, not model instances: at 10,000 rules building instances was most of the time.
    commands = function_commands()
    canned = models.CannedResponse.objects.filter(enabled=True).values_list(
        "trigger", "aliases", "description", "text", "unfurl_links", "show_in_help"
    )
    for trigger, aliases, description, text, unfurl_links, show_in_help in canned:
        commands.append(
            Command(
                trigger=trigger,
                aliases=tuple(split_list(aliases)),
                description=description,
                text=text,
                kind="canned",
                unfurl_links=unfurl_links,
                show_in_help=show_in_help,
            )
        )
    rule_rows = models.ContainsRule.objects.filter(enabled=True).values_list(
        "pk", "triggers", "reactions", "reply", "mention_required", "chance_one_in", "unfurl_links"
    )
    rules = [
        ContainsRule(
            id=pk,
            triggers=tuple(split_list(triggers)),
            reactions=tuple(split_emoji(reactions)),
            reply=reply,
            mention_required=mention_required,
            probability=probability(chance_one_in),
            unfurl_links=unfurl_links,
        )
        for pk, triggers, reactions, reply, mention_required, chance_one_in, unfurl_links in (
            rule_rows
        )
    ]
    glossary = [
        GlossaryEntry(term=term, aliases=tuple(split_list(aliases)), definition=definition)
        for term, aliases, definition in terms.objects.values_list("term", "aliases", "definition")
    ]
    channels = [
        RecommendedChannel(name=row.name, description=row.description, in_welcome=row.in_welcome)
        for row in models.RecommendedChannel.objects.all()
    ]
    welcomes = models.Welcome.objects.filter(enabled=True)
    team = welcomes.filter(kind=models.Welcome.TEAM_JOIN).first()
    return ContentIndex(
        commands=commands,
        rules=rules,
        glossary=glossary,
        recommended_channels=channels,
        playground_denied_channels=models.PlaygroundDeniedChannel.objects.values_list(
            "name", flat=True
        ),
        team_welcome=team.template if team else "",
        channel_welcomes={
            row.channel: row.template for row in welcomes.filter(kind=models.Welcome.CHANNEL_JOIN)
        },
    )


_lock = threading.Lock()
_index: ContentIndex | None = None
_version: str | None = None


def _current_version() -> str:
    client = get_redis()
    version = client.get(VERSION_KEY)
    if version is None:
        # Redis lost the key (or is new): start from a random number, so no process
        # mistakes the fresh key for the version its cached index was built at.
        client.set(VERSION_KEY, secrets.randbelow(2**52), nx=True)
        version = client.get(VERSION_KEY)
    return version.decode() if isinstance(version, bytes) else str(version)


def get_index() -> ContentIndex:
    global _index, _version
    try:
        version = _current_version()
    except redis.RedisError as error:
        log.warning("content version unavailable", extra={"fields": {"error": str(error)}})
        version = None
        if _index is not None:
            return _index
    if _index is not None and version == _version:
        return _index
    with _lock:
        if _index is None or version != _version or version is None:
            _index = load_index()
            _version = version
            log.info("content index built", extra={"fields": {"version": version}})
        return _index


def bump_content_version() -> None:
    """Tell every process to rebuild its index on its next lookup."""
    try:
        get_redis().incr(VERSION_KEY)
    except redis.RedisError as error:
        log.error("content version not bumped", extra={"fields": {"error": str(error)}})


def forget_index() -> None:
    """Drop this process's cached index (tests, or after forking without a rebuild)."""
    global _index, _version
    _index = None
    _version = None
