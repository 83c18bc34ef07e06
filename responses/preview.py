"""An HTML rendering of a Slack mrkdwn message, for the admin's previews.

It shows the message the way Slack would, near enough: links, mentions, channel
references, *bold*, _italic_, ~strike~, `code` and ``` blocks. Everything else is
escaped text. https://api.slack.com/reference/surfaces/formatting
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

TOKEN = re.compile(r"```(?P<block>.*?)```|`(?P<code>[^`\n]+)`|<(?P<angle>[^<>\n]+)>", re.DOTALL)
STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"), "del"),
)


def _plain(text: str) -> str:
    html = escape(text)
    for pattern, tag in STYLES:
        html = pattern.sub(rf"<{tag}>\1</{tag}>", html)
    return html.replace("\n", "<br>")


def _angle(token: str) -> str:
    target, _, label = token.partition("|")
    if target.startswith("@"):
        return format_html('<span class="slack-mention">@{}</span>', label or target[1:])
    if target.startswith("#"):
        return format_html('<span class="slack-mention">#{}</span>', label or target[1:])
    if target.startswith("!"):
        name = target[1:].split("^")[-1]
        return format_html('<span class="slack-mention">@{}</span>', label or name)
    if re.match(r"^(https?://|mailto:)", target):
        return format_html('<a href="{}" rel="noopener">{}</a>', target, label or target)
    return escape(f"<{token}>")


def mrkdwn_to_html(text: str) -> SafeString:
    parts = []
    position = 0
    for match in TOKEN.finditer(text):
        parts.append(_plain(text[position : match.start()]))
        if match.group("block") is not None:
            parts.append(format_html("<pre>{}</pre>", match.group("block").strip("\n")))
        elif match.group("code") is not None:
            parts.append(format_html("<code>{}</code>", match.group("code")))
        else:
            parts.append(_angle(match.group("angle")))
        position = match.end()
    parts.append(_plain(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped above)


def preview_block(text: str, note: str = "") -> SafeString:
    """The rendered message above the exact text the bot sends."""
    return format_html(
        '<div class="slack-preview" style="max-width:48em;padding:.6em .9em;'
        'border-left:4px solid #00add8;background:var(--darkened-bg);line-height:1.5">{}</div>'
        '<details style="margin-top:.4em"><summary>Exact text sent to Slack</summary>'
        '<pre style="white-space:pre-wrap;max-width:48em">{}</pre></details>{}',
        mrkdwn_to_html(text),
        text,
        format_html('<p class="help">{}</p>', note) if note else "",
    )
