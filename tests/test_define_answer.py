import pytest

from glossary.answers import define_answer, define_reply
from responses.index import ContentIndex, Definition, GlossaryEntry

INDEX = ContentIndex(
    glossary=[GlossaryEntry("test-driven development", ("tdd",), "writing the test first.")]
)


def test_it_defines_a_term():
    assert (
        define_answer(INDEX, "Test-Driven Development")
        == "`test-driven development` is writing the test first."
    )


def test_it_names_the_alias_that_was_used():
    assert (
        define_answer(INDEX, "TDD")
        == "`test-driven development`, or `tdd`, is writing the test first."
    )


def test_it_explains_itself_without_a_term():
    assert define_answer(INDEX, "  ") == "Tell me which term to define, e.g. `define tdd`."


def test_define_define_is_a_joke():
    assert define_answer(INDEX, "Define").startswith("`define` is what you ask me")


def test_an_unknown_term_points_to_the_moderators():
    assert define_answer(INDEX, "bdd") == (
        "Sorry, I don't know `bdd` yet. If it belongs in the glossary, "
        "ask the moderators in #admin-help to add it."
    )


@pytest.mark.parametrize(
    "term, to_asker", [("tdd", False), ("TDD", False), ("", True), ("define", True), ("bdd", True)]
)
def test_only_a_definition_is_not_addressed_to_the_asker(term, to_asker):
    assert define_reply(INDEX, term).to_asker is to_asker


def test_it_accepts_a_plain_lookup_function():
    def lookup(term):
        return Definition("go", "a language.", None) if term == "go" else None

    assert define_answer(lookup, "Go") == "`go` is a language."


def test_an_unknown_term_links_the_moderators_channel_through_the_lookup():
    channels = {"admin-help": "C0ADMINHELP"}
    assert define_answer(INDEX, "bdd", channels.get) == (
        "Sorry, I don't know `bdd` yet. If it belongs in the glossary, "
        "ask the moderators in <#C0ADMINHELP> to add it."
    )


def test_a_channel_placeholder_in_the_asked_term_stays_inert():
    answer = define_answer(INDEX, "{#general}", {"general": "C0GENERAL"}.get)
    assert answer.startswith("Sorry, I don't know `{#general}` yet.")
    assert "C0GENERAL" not in answer


def test_an_unknown_term_is_echoed_as_one_code_span_it_cannot_end():
    answer = define_answer(INDEX, "x`` evil.example/login ``")
    assert answer.startswith("Sorry, I don't know `x'' evil.example/login ''` yet.")
    assert answer.count("`") == 2


def test_an_unknown_term_with_a_link_is_not_echoed():
    for term in (
        "x https://evil.example/login",
        "<http://evil.example|go.dev>",
        "WWW.evil.example",
    ):
        assert define_answer(INDEX, term).startswith("Sorry, I don't know that term yet.")
