"""Log lines in logfmt: one line per record, whatever the values hold."""

import logging

import pytest

from gopherbot.logfmt import LogfmtFormatter, logfmt


@pytest.mark.parametrize(
    "value, written",
    [
        ("enqueued", "enqueued"),
        ("redis error: ConnectionError", '"redis error: ConnectionError"'),
        ('say "hi"', r'"say \"hi\""'),
        ("C:\\path", r'"C:\\path"'),
        ("", '""'),
        ("Gophers é 🐹", '"Gophers é 🐹"'),
    ],
)
def test_it_quotes_values_only_when_needed(value, written):
    assert logfmt({"k": value}) == f"k={written}"


@pytest.mark.parametrize(
    "value, written",
    [
        ("a\nlevel=error msg=forged", r'"a\nlevel=error msg=forged"'),
        ("a\rlevel=error", r'"a\rlevel=error"'),
        ("a\x00b", r'"a\x00b"'),
        ("\u202edetalumis", r'"\u202edetalumis"'),
        ("a\u2028b", r'"a\u2028b"'),
        ("\ud800", r'"\ud800"'),
    ],
)
def test_it_escapes_characters_that_could_forge_or_disguise_a_line(value, written):
    line = logfmt({"request_id": value})
    assert line == f"request_id={written}"
    assert line.isprintable()


def test_it_leaves_out_empty_fields():
    assert logfmt({"a": 1, "b": None, "c": "x"}) == "a=1 c=x"


def test_a_record_is_one_line_with_its_fields():
    record = logging.LogRecord("gateway", logging.INFO, "f.py", 1, "slack event", (), None)
    record.fields = {"event_id": "Ev9", "queue": "slack_message_public"}
    line = LogfmtFormatter().format(record)
    assert "\n" not in line
    assert line.startswith("ts=")
    assert line.endswith(
        'level=info logger=gateway msg="slack event" event_id=Ev9 queue=slack_message_public'
    )


def test_the_platform_names_the_app_dyno_and_release_on_every_line(settings):
    from gopherbot.logfmt import ProcessFilter

    settings.HEROKU_APP_NAME = "gopherbot-prod"
    settings.HEROKU_DYNO_ID = "web.1"
    settings.HEROKU_SLUG_COMMIT = "2c3a0b1d9e8f7a6b5c4d"
    record = logging.LogRecord("gateway", logging.INFO, "f.py", 1, "slack event", (), None)
    record.fields = {"status": 200}
    ProcessFilter().filter(record)
    line = LogfmtFormatter().format(record)
    assert line.endswith("status=200 app=gopherbot-prod dyno=web.1 release=2c3a0b1")


def test_without_a_platform_the_line_names_none(settings):
    from gopherbot.logfmt import ProcessFilter

    settings.HEROKU_APP_NAME = settings.HEROKU_DYNO_ID = settings.HEROKU_SLUG_COMMIT = ""
    record = logging.LogRecord("gateway", logging.INFO, "f.py", 1, "slack event", (), None)
    ProcessFilter().filter(record)
    assert "app=" not in LogfmtFormatter().format(record)
