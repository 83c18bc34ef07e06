"""After members talk to the bot, nothing in the database or Redis says who they were or what
they wrote, beyond the content names counted and the unknown terms they asked for."""

from django.db import connection
from rq.job import Job

from gateway.delivery import RESULT_TTL
from gopherbot.connections import get_redis
from insights.folding import fold_counts
from insights.models import DailyCount
from tests.slack_events import message_event
from tests.test_bot_joins import channel_join, team_join
from tests.test_insights_counting import BOT, dm, through_gateway

MEMBERS = ("U0ALICE", "U0BOB", "U0CAROL")
PRIVATE_WORDS = (
    "meet me at 12 Elm Street",
    "my wifi password is hunter2",
    "carol@example.com",
    "I think the deploy broke prod",
)


def session() -> list[dict]:
    return [
        message_event(f"{BOT} go tour, {PRIVATE_WORDS[0]}", user="U0ALICE"),
        dm(f"define {PRIVATE_WORDS[1]}", user="U0BOB"),
        dm(f"define {PRIVATE_WORDS[2]}", user="U0CAROL"),
        dm("define monads", user="U0ALICE"),
        message_event(f"bbq tonight? {PRIVATE_WORDS[3]}", user="U0BOB"),
        message_event(f"{PRIVATE_WORDS[3]} <@U0ALICE>", user="U0CAROL"),
        dm("tour", user="U0CAROL"),
        team_join("U0CAROL"),
        channel_join("C0NEWBIES", user="U0BOB"),
    ]


def database_text() -> dict[str, str]:
    """Every row of every table, as text, by table."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the schema)
            tables[table] = repr(cursor.fetchall())
    return tables


def redis_bytes() -> dict[bytes, bytes]:
    """Every key and everything in it; RQ's job records with their arguments unpacked."""
    client = get_redis()
    found = {}
    for key in client.scan_iter():
        kind = client.type(key).decode()
        if kind == "string":
            value = client.get(key) or b""
        elif kind == "hash":
            value = b" ".join(k + b"=" + v for k, v in client.hgetall(key).items())
        elif kind == "set":
            value = b" ".join(client.smembers(key))
        elif kind == "list":
            value = b" ".join(client.lrange(key, 0, -1))
        elif kind == "zset":
            value = b" ".join(client.zrange(key, 0, -1))
        elif kind == "stream":
            value = repr(client.xrange(key)).encode()
        else:
            raise AssertionError(f"a {kind} key the scan cannot read: {key!r}")
        if key.startswith(b"rq:job:"):  # RQ keeps the arguments compressed
            job = Job.fetch(key.decode().removeprefix("rq:job:"), connection=client)
            value += repr(job.args).encode()
        found[key] = key + b" " + value
    return found


def test_nothing_identifying_a_member_is_left_after_a_session(bot, client):
    for event in session():
        through_gateway(client, bot, event)
    fold_counts()
    needles = [*MEMBERS, *PRIVATE_WORDS, "Elm Street", "hunter2", "example.com"]

    assert DailyCount.objects.exists()
    in_database = {
        table: [n for n in needles if n.lower() in text.lower()]
        for table, text in database_text().items()
    }
    assert {table: hits for table, hits in in_database.items() if hits} == {}

    in_redis = {
        key: [n for n in needles if n.encode().lower() in value.lower()]
        for key, value in redis_bytes().items()
    }
    holding = {key for key, hits in in_redis.items() if hits}
    # Only the queue's own records of the jobs hold the events, and they go 10 minutes after.
    assert holding, "the scan found not even the queued events: it is not looking"
    assert all(key.startswith(b"rq:job:") for key in holding), sorted(holding)
    assert all(0 < get_redis().ttl(key) <= RESULT_TTL for key in holding)


def test_the_counts_hold_only_content_names_and_the_unknown_terms_asked(bot, client):
    for event in session():
        through_gateway(client, bot, event)
    fold_counts()

    assert sorted(DailyCount.objects.values_list("kind", "name", "count")) == [
        ("alias", "tour", 1),
        ("command", "go tour", 1),
        ("contains", str(bot_rule("bbq")), 1),
        ("prefix", "define", 3),
        ("wanted", "", 2),  # the password and the address: counted, not recorded
        ("wanted", "monads", 1),
        ("welcome", "#newbies", 1),
        ("welcome", "new members", 1),
    ]


def bot_rule(name: str) -> int:
    from responses.models import ContainsRule

    return ContainsRule.objects.get(name=name).pk
