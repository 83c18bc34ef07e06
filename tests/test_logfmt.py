import logging

from gopherbot.logfmt import LogfmtFormatter, logfmt


def test_plain_values_stay_bare_and_none_is_left_out():
    assert logfmt({"event_id": "Ev1", "status": 200, "retry": None}) == "event_id=Ev1 status=200"


def test_values_with_spaces_quotes_or_newlines_are_quoted_and_escaped():
    line = logfmt({"outcome": "rejected: bad", "text": 'say "hi"\nnow', "empty": ""})
    assert line == 'outcome="rejected: bad" text="say \\"hi\\"\\nnow" empty=""'


def test_a_record_is_one_line_with_its_fields():
    record = logging.LogRecord("gateway", logging.INFO, "f.py", 1, "slack event", (), None)
    record.fields = {"event_id": "Ev9", "queue": "slack_message_public"}
    line = LogfmtFormatter().format(record)
    assert "\n" not in line
    assert line.startswith("ts=")
    assert line.endswith(
        'level=info logger=gateway msg="slack event" event_id=Ev9 queue=slack_message_public'
    )
