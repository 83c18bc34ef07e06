"""How admin-entered names and lists are normalised; plain functions, no Django."""

import re

# Slack channel names: lower-case letters, digits, hyphens and underscores, at most 80.
# https://api.slack.com/methods/conversations.create#naming
CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
EMOJI_NAME = re.compile(r"^[a-z0-9_+'-]+$")


def normalize_name(name: str) -> str:
    """A trigger, alias or term as matched: lower-cased, inner whitespace collapsed."""
    return " ".join(name.split()).lower()


def split_list(value: str) -> list[str]:
    """A comma-separated admin field as normalised names, empty and repeated ones dropped."""
    names: list[str] = []
    for part in value.split(","):
        name = normalize_name(part)
        if name and name not in names:
            names.append(name)
    return names


def join_list(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(names)


def normalize_emoji(name: str) -> str:
    return normalize_name(name).strip(":")


def normalize_channel(name: str) -> str:
    return normalize_name(name).lstrip("#")


def split_emoji(value: str) -> list[str]:
    """A comma-separated list of emoji names, colons dropped."""
    return [normalize_emoji(name) for name in split_list(value)]


def probability(chance_one_in: int) -> float:
    """A rule's chance of firing, from its "one in N" field."""
    return 1 / max(chance_one_in, 1)
