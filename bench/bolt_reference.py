"""The reference: a slack-bolt app that verifies the signature and acks, nothing more.

Served by gunicorn exactly like our web process. Authorization is given inline so
bolt makes no Slack API call (the same as its cached auth.test after the first request).
"""

import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult


def authorize(**kwargs) -> AuthorizeResult:
    return AuthorizeResult(
        enterprise_id=None,
        team_id=os.environ["BENCH_TEAM_ID"],
        bot_token="xoxb-bench",
        bot_user_id="U0GOPHERBOT",
        bot_id="B0GOPHERBOT",
    )


app = App(signing_secret=os.environ["BENCH_SIGNING_SECRET"], authorize=authorize)


@app.event("message")
def ignore(ack) -> None:
    ack()


application = SlackRequestHandler(app, path="/slack/event")
