"""The compiled index answers exactly like a naive scan, at 10,000 terms and 2,000 rules."""

import random
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from responses.index import ContainsRule, ContentIndex, GlossaryEntry

ALPHABET = "abcdeé -︵"
RULES = 2_000
TERMS = 10_000


def word(rng: random.Random, low: int, high: int) -> str:
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(low, high))).strip()
    return text or "a"


@cache
def content() -> tuple[ContentIndex, list[ContainsRule], list[GlossaryEntry]]:
    rng = random.Random(20240611)
    triggers = [word(rng, 2, 7) for _ in range(3_000)]
    rules = []
    for rule_id in rng.sample(range(1, 10 * RULES), RULES):  # ids not in creation order
        chosen = rng.sample(triggers, rng.randint(1, 3))
        if rng.random() < 0.2:
            chosen = [t.upper() for t in chosen]  # the index must lower-case triggers too
        rules.append(ContainsRule(rule_id, tuple(chosen), ("gopher",), "", False, 1.0, False))
    glossary = [
        GlossaryEntry(
            f"term {n} {word(rng, 1, 4)}",
            tuple(f"alias {n}-{k}" for k in range(rng.randint(0, 3))),
            f"definition {n}",
        )
        for n in range(TERMS)
    ]
    return ContentIndex(rules=rules, glossary=glossary), rules, glossary


def naive_rules(rules: list[ContainsRule], text: str) -> list[ContainsRule]:
    lowered = text.lower()
    matched = [r for r in rules if any(t.lower() in lowered for t in r.triggers)]
    return sorted(matched, key=lambda r: r.id)


def naive_define(glossary: list[GlossaryEntry], asked: str) -> tuple | None:
    wanted = " ".join(asked.split()).lower()
    for entry in glossary:
        if entry.term.lower() == wanted:
            return entry.term, entry.definition, None
    for entry in glossary:
        for alias in entry.aliases:
            if alias.lower() == wanted:
                return entry.term, entry.definition, alias
    return None


def pieces():
    _, rules, _ = content()
    known = sorted({t for r in rules for t in r.triggers})
    return st.one_of(st.sampled_from(known), st.text(alphabet=ALPHABET + "xyzABC", max_size=6))


messages = st.lists(pieces(), max_size=8).map("".join) | st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(messages, st.booleans())
def test_contains_rules_match_like_a_naive_scan(text, shout):
    index, rules, _ = content()
    text = text.upper() if shout else text
    assert index.contains_rules(text) == naive_rules(rules, text)


def test_a_message_full_of_triggers_matches_like_a_naive_scan():
    index, rules, _ = content()
    text = " ".join(t for r in rules[:300] for t in r.triggers)
    found = index.contains_rules(text)
    assert len(found) >= 300
    assert found == naive_rules(rules, text)


def asked_terms():
    _, _, glossary = content()
    names = [e.term for e in glossary[:500]] + [a for e in glossary[:500] for a in e.aliases]
    return st.one_of(
        st.sampled_from(names),
        st.sampled_from(names).map(str.upper),
        st.sampled_from(names).map(lambda n: "  " + n.replace(" ", "   ") + " "),
        st.text(alphabet=ALPHABET + "0123456789 ", max_size=15),
    )


@settings(max_examples=300, deadline=None)
@given(asked_terms())
def test_define_answers_like_a_naive_scan(asked):
    index, _, glossary = content()
    found = index.define(asked)
    expected = naive_define(glossary, asked)
    assert (found and (found.term, found.definition, found.alias_used)) == expected
