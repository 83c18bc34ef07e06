import pytest
from slack_sdk.errors import SlackApiError

from localdev.standin import SEED_CHANNELS, id_for
from slackapi import channels
from slackapi.channels import (
    BY_ID_KEY,
    BY_NAME_KEY,
    PRIVATE_KEY,
    channel_id,
    channel_name,
    public_channel_name,
    refresh_channel_cache,
)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(channels, "PAGE_SIZE", 5)


def cache(redis) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in redis.hgetall(BY_NAME_KEY).items()}


def test_it_follows_every_page(slack, small_pages):
    assert refresh_channel_cache() == len(SEED_CHANNELS) + 1  # and the private one

    pages = slack.calls_to("conversations.list")
    assert len(pages) == 4  # 18 channels, 5 a page
    assert [bool(p.params.get("cursor")) for p in pages] == [False, True, True, True]
    for name in SEED_CHANNELS:
        assert channel_id(name) == id_for("C", name)


def test_it_asks_for_public_and_private_unarchived_channels(slack):
    refresh_channel_cache()

    params = slack.calls_to("conversations.list")[0].params
    assert params["types"] == "public_channel,private_channel"
    assert params["exclude_archived"] == "1"


def test_it_keeps_private_channels_and_leaves_out_archived_ones(slack):
    refresh_channel_cache()

    assert channel_id("gophercon-2016") is None
    assert channel_id("moderators") == id_for("C", "moderators")
    assert channel_name(id_for("C", "moderators")) == "moderators"


def test_without_the_groups_read_scope_it_caches_public_channels(slack, log_text):
    denied = {"ok": False, "error": "missing_scope", "needed": "groups:read"}
    slack.fail_next("conversations.list", 200, body=denied)

    assert refresh_channel_cache() == len(SEED_CHANNELS)

    assert channel_id("general") == "C0GENERAL"
    assert channel_id("moderators") is None
    assert slack.calls_to("conversations.list")[-1].params["types"] == "public_channel"
    assert "no groups:read scope" in log_text()


def test_it_skips_archived_channels_even_when_slack_lists_them(slack, redis_db):
    listed = [
        {"id": "C0GENERAL", "name": "general", "is_archived": False},
        {"id": "C0OLD", "name": "old", "is_archived": True},
    ]
    body = {"ok": True, "channels": listed, "response_metadata": {"next_cursor": ""}}
    slack.fail_next("conversations.list", 200, body=body)

    assert refresh_channel_cache() == 1
    assert cache(redis_db) == {"general": "C0GENERAL"}


def test_lookups_take_a_name_with_or_without_the_hash(slack):
    refresh_channel_cache()

    assert channel_id("general") == "C0GENERAL"
    assert channel_id("#golang-cls") == "C0GOLANGCLS"
    assert channel_id("#GoTimeFM") == "C0GOTIMEFM"
    assert channel_id("#nowhere") is None
    assert channel_name("C0NEWBIES") == "newbies"
    assert channel_name("C0NOWHERE") is None


def test_lookups_before_any_refresh_find_nothing(slack):
    assert channel_id("general") is None
    assert channel_name("C0GENERAL") is None


def test_a_refresh_swaps_the_whole_cache_at_once(slack, redis_db, small_pages, monkeypatch):
    refresh_channel_cache()
    before = cache(redis_db)
    del slack.channels["C0BBQ"]
    slack.add_channel("gophercon")
    seen_while_refreshing = []
    monkeypatch.setattr(
        slack, "on_call", lambda call: seen_while_refreshing.append(cache(redis_db))
    )

    refresh_channel_cache()

    assert len(seen_while_refreshing) == 4
    assert all(seen == before for seen in seen_while_refreshing)
    assert channel_id("bbq") is None
    assert channel_name("C0BBQ") is None
    assert channel_id("gophercon") == "C0GOPHERCON"
    assert len(cache(redis_db)) == len(before)


def test_the_cache_does_not_expire_and_no_build_keys_remain(slack, redis_db):
    refresh_channel_cache()

    assert redis_db.ttl(BY_NAME_KEY) == redis_db.ttl(BY_ID_KEY) == -1
    assert redis_db.keys("gopherbot:slack:channels:*:build:*") == []


def test_a_failed_refresh_keeps_the_old_cache(slack, redis_db, small_pages, monkeypatch):
    refresh_channel_cache()
    before = cache(redis_db)
    slack.add_channel("gophercon")

    def fail_the_second_page(first_page):
        slack.fail_next("conversations.list", 200, body={"ok": False, "error": "fatal_error"})
        monkeypatch.setattr(slack, "on_call", None)

    monkeypatch.setattr(slack, "on_call", fail_the_second_page)

    with pytest.raises(SlackApiError):
        refresh_channel_cache()

    assert len(slack.attempts_to("conversations.list")) == 4 + 2
    assert cache(redis_db) == before
    assert redis_db.keys("gopherbot:slack:channels:*:build:*") == []


def test_an_empty_listing_empties_the_cache(slack, redis_db):
    refresh_channel_cache()
    body = {"ok": True, "channels": [], "response_metadata": {"next_cursor": ""}}
    slack.fail_next("conversations.list", 200, body=body)

    assert refresh_channel_cache() == 0
    assert channel_id("general") is None


def test_private_channels_have_no_public_name(slack):
    slack.add_channel("core-team", is_private=True)
    refresh_channel_cache()

    assert public_channel_name("C0GENERAL") == "general"
    assert public_channel_name("C0CORETEAM") is None
    assert public_channel_name(id_for("C", "moderators")) is None
    assert public_channel_name("C0NOWHERE") is None
    assert channel_name("C0CORETEAM") == "core-team"  # welcomes and the deny list still name it


def test_a_refresh_follows_a_channel_going_private_and_back(slack, redis_db):
    refresh_channel_cache()
    slack.channels["C0BBQ"]["is_private"] = True
    refresh_channel_cache()
    assert public_channel_name("C0BBQ") is None

    slack.channels["C0BBQ"]["is_private"] = False
    del slack.channels[id_for("C", "moderators")]
    refresh_channel_cache()
    assert public_channel_name("C0BBQ") == "bbq"
    assert not redis_db.exists(PRIVATE_KEY)  # no private channel left
    assert redis_db.keys("gopherbot:slack:channels:*:build:*") == []
