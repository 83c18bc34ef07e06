"""Builders for signed Slack Events API requests, as Slack sends them."""

import itertools
import json
import time

from django.conf import settings

from gateway.signing import sign

_ids = itertools.count(1)


def message_event(text: str = "hello", **fields) -> dict:
    event = {
        "type": "message",
        "channel": "C0GENERAL",
        "channel_type": "channel",
        "user": "U0ALICE",
        "text": text,
        "ts": f"{time.time():.6f}",
    }
    event.update(fields)
    return event


def event_callback(event: dict | None = None, **fields) -> dict:
    body = {
        "token": "legacy-token",
        "team_id": settings.SLACK_TEAM_ID,
        "api_app_id": settings.SLACK_APP_ID,
        "event": event if event is not None else message_event(),
        "type": "event_callback",
        "event_id": f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
    }
    body.update(fields)
    return body


def signed_headers(body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(secret or settings.SLACK_SIGNING_SECRET, ts, body),
    }


def encode(body: dict | list | str) -> bytes:
    return json.dumps(body).encode()


# --- messages from other apps, as Slack delivers them -------------------------------------
# Modern app posts carry bot_id, bot_profile and app_id, no subtype, and `user` set to the
# app's bot user; legacy integrations (incoming webhooks) post subtype bot_message without
# a user; Slackbot posts as USLACKBOT.


def _bot_profile(bot_id: str, app_id: str, name: str) -> dict:
    return {
        "id": bot_id,
        "deleted": False,
        "name": name,
        "updated": 1_700_000_000,
        "app_id": app_id,
        "icons": {
            "image_36": f"https://avatars.slack-edge.com/2023-01-01/{app_id}_36.png",
            "image_48": f"https://avatars.slack-edge.com/2023-01-01/{app_id}_48.png",
            "image_72": f"https://avatars.slack-edge.com/2023-01-01/{app_id}_72.png",
        },
        "team_id": settings.SLACK_TEAM_ID,
    }


def github_app_post(text: str, **fields) -> dict:
    """A GitHub app notice: bot_id, bot_profile and app_id, no subtype, the app's bot user."""
    event = message_event(
        text,
        user="U0GITHUBAPP",
        bot_id="B0GITHUB",
        app_id="A01BP7R4KNY",
        bot_profile=_bot_profile("B0GITHUB", "A01BP7R4KNY", "GitHub"),
        team=settings.SLACK_TEAM_ID,
        attachments=[
            {
                "id": 1,
                "color": "2eb886",
                "fallback": "[golang/go] Deployment to production succeeded",
                "title": "Deployment to production succeeded",
                "title_link": "https://github.com/golang/go/deployments",
                "text": "bbq-service deployed by gopher",
                "footer": "<https://github.com/golang/go|golang/go>",
                "mrkdwn_in": ["text"],
            }
        ],
        **fields,
    )
    event["event_ts"] = event["ts"]
    return event


def circleci_bot_message(text: str, **fields) -> dict:
    """A CircleCI webhook post: subtype bot_message, a username, no user."""
    event = message_event(
        text,
        subtype="bot_message",
        bot_id="B0CIRCLECI",
        username="CircleCI",
        icons={
            "image_48": "https://s3-us-west-2.amazonaws.com/slack-files2/bot_icons/circleci_48.png"
        },
        attachments=[
            {
                "fallback": "Failed: gopher's workflow (build) in golang/tools (master)",
                "text": "Failed: gopher's workflow (<https://circleci.com/workflow-run/1|build>)",
                "color": "#ed5c5c",
                "mrkdwn_in": ["text"],
            }
        ],
        **fields,
    )
    del event["user"]
    event["event_ts"] = event["ts"]
    return event


def slackbot_message(text: str, **fields) -> dict:
    """A Slackbot reminder or notice: user USLACKBOT, no bot_id."""
    event = message_event(text, user="USLACKBOT", team=settings.SLACK_TEAM_ID, **fields)
    event["event_ts"] = event["ts"]
    return event


def workflow_message(text: str, **fields) -> dict:
    """A Workflow Builder step posting a message: the workflow's bot, blocks, no subtype."""
    event = message_event(
        text,
        user="U0WORKFLOW",
        bot_id="B0WORKFLOW",
        app_id="A0WORKFLOWS",
        bot_profile=_bot_profile("B0WORKFLOW", "A0WORKFLOWS", "Workflow Builder"),
        team=settings.SLACK_TEAM_ID,
        blocks=[
            {
                "type": "rich_text",
                "block_id": "wf1",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        **fields,
    )
    event["event_ts"] = event["ts"]
    return event


def human_message(text: str, **fields) -> dict:
    """A member's message as the Slack client sends it: client_msg_id and blocks, no bot_id."""
    event = message_event(
        text, client_msg_id="5f1a0c1e-8a8b-4c0e-9a55-0b4f4c7d2e11", team=settings.SLACK_TEAM_ID
    )
    event["blocks"] = [
        {
            "type": "rich_text",
            "block_id": "Hm1",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]
    event.update(fields)
    event["event_ts"] = event["ts"]
    return event
