"""Slack's text escaping: https://api.slack.com/reference/surfaces/formatting#escaping"""


def escape(text: str) -> str:
    """Text from elsewhere made inert: it can't ping `<!channel>` or disguise a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack's escaping undone: message text arrives with &, < and > as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
