"""Slack's text escaping (https://api.slack.com/reference/surfaces/formatting#escaping), and
Slack text cut to one line for lists and logs."""


def escape(text: str) -> str:
    """Text from elsewhere made inert: it can't ping `<!channel>` or disguise a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack's escaping undone: message text arrives with &, < and > as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def one_line(text: str, limit: int) -> str:
    """`text` on one line of at most `limit` characters, its end cut to "…" when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
