"""Triggers, aliases and terms are claimed once, case-insensitively, in forms and database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from glossary.models import Term
from responses.claims import ClaimedName
from responses.models import CannedResponse, ContainsRule
from tests.factories import CannedResponseFactory as Canned
from tests.factories import ClaimedNameFactory, ContainsRuleFactory, TermFactory

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    "name, owner",
    [
        ("help", "help"),
        ("HELP", "help"),
        ("commands", "help"),
        ("Flip Coin", "flip a coin"),
        ("channels", "recommended channels"),
    ],
)
def test_a_canned_trigger_cannot_shadow_a_function_command(name, owner):
    errors = errors_of(CannedResponse(trigger=name, description="d", text="t"))
    assert errors["trigger"] == [
        f"“{name.lower()}” is already taken by the built-in command “{owner}”."
    ]


def test_a_canned_alias_cannot_shadow_a_function_command():
    errors = errors_of(
        CannedResponse(trigger="assist", aliases="Commands", description="d", text="t")
    )
    assert errors["aliases"] == ["“commands” is already taken by the built-in command “help”."]


def test_a_trigger_cannot_reuse_another_responses_alias_in_any_case():
    Canned(trigger="go tour", aliases="tour")
    errors = errors_of(CannedResponse(trigger="TOUR", description="d", text="t"))
    assert errors["trigger"] == ["“tour” is already taken by the canned response “go tour”."]


def test_an_alias_cannot_reuse_another_responses_trigger_in_any_case():
    Canned(trigger="go tour")
    errors = errors_of(
        CannedResponse(trigger="tour", aliases="Go  Tour", description="d", text="t")
    )
    assert errors["aliases"] == ["“go tour” is already taken by the canned response “go tour”."]


def test_an_alias_repeating_the_trigger_is_refused():
    errors = errors_of(CannedResponse(trigger="books", aliases="Books", description="d", text="t"))
    assert errors["aliases"] == ["“books” is listed twice."]


def test_a_trigger_cannot_start_like_a_prefix_command():
    errors = errors_of(CannedResponse(trigger="define go", description="d", text="t"))
    assert errors["trigger"] == ["“define go” starts like the built-in “define ” command."]


def test_a_response_may_keep_its_own_names_when_edited():
    response = Canned(trigger="go tour", aliases="tour")
    response.aliases = "TOUR, the tour"
    response.full_clean()
    response.save()
    assert set(
        ClaimedName.objects.filter(owner=response.claim_owner).values_list("name", flat=True)
    ) == {
        "go tour",
        "tour",
        "the tour",
    }


def test_names_are_stored_lower_cased_with_whitespace_collapsed():
    response = Canned(trigger="  Go   Tour ", aliases="Tour,  THE tour,,tour")
    response.refresh_from_db()
    assert (response.trigger, response.aliases) == ("go tour", "tour, the tour")


def test_the_database_refuses_a_trigger_claimed_as_an_alias_elsewhere():
    Canned(trigger="go tour", aliases="tour")
    with pytest.raises(IntegrityError), transaction.atomic():
        CannedResponse.objects.create(trigger="tour", description="d", text="t")
    assert not CannedResponse.objects.filter(trigger="tour").exists()


def test_the_database_refuses_a_function_commands_name():
    # The built-in names are claimed after migrate, so even the shell cannot take them.
    with pytest.raises(IntegrityError), transaction.atomic():
        CannedResponse.objects.create(trigger="help", description="d", text="t")


def test_the_claims_table_is_unique_case_insensitively():
    ClaimedNameFactory(name="books")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimedNameFactory(name="BOOKS")


def test_deleting_a_response_frees_its_names():
    Canned(trigger="go tour", aliases="tour").delete()
    Canned(trigger="tour")
    assert CannedResponse.objects.get().trigger == "tour"


def test_glossary_terms_and_aliases_are_unique_across_each_other():
    TermFactory(term="test-driven development", aliases="tdd")
    errors = errors_of(Term(term="TDD", definition="x"))
    assert errors["term"] == ["“tdd” is already taken by the term “test-driven development”."]
    errors = errors_of(Term(term="testing", aliases="Test-Driven  Development", definition="x"))
    assert errors["aliases"] == [
        "“test-driven development” is already taken by the term “test-driven development”."
    ]


def test_glossary_terms_do_not_collide_with_commands():
    Canned(trigger="dependency injection", aliases="di")
    TermFactory(term="dependency injection", aliases="di").full_clean()


def test_a_contains_rule_needs_reactions_or_a_reply_not_both():
    errors = errors_of(ContainsRuleFactory.build(reactions="gopher", reply="hi"))
    assert errors["reply"] == ["Give emoji reactions or a reply text, exactly one of them."]
    errors = errors_of(ContainsRuleFactory.build(reactions="", reply=""))
    assert errors["reply"] == ["Give emoji reactions or a reply text, exactly one of them."]


def test_the_database_refuses_a_contains_rule_with_both_reactions_and_a_reply():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContainsRuleFactory(reactions="gopher", reply="hi")


def test_reaction_names_lose_their_colons():
    rule = ContainsRuleFactory(reactions=":Beer:, beers")
    assert rule.reaction_list == ["beer", "beers"]
    assert errors_of(ContainsRuleFactory.build(reactions="not an emoji"))["reactions"] == [
        "Not an emoji name: not an emoji."
    ]


def test_a_contains_trigger_belongs_to_one_rule_case_insensitively():
    ContainsRuleFactory(name="bbq reaction", triggers="bbq")
    errors = errors_of(ContainsRuleFactory.build(name="grill", triggers="grill, BBQ"))
    assert errors["triggers"] == ["“bbq” is already taken by the contains rule “bbq reaction”."]


def test_the_database_refuses_a_contains_trigger_claimed_twice():
    ContainsRuleFactory(triggers="bbq")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContainsRuleFactory(triggers="Bbq")


def test_a_contains_rule_keeps_its_own_triggers_when_edited():
    rule = ContainsRuleFactory(name="bbq reaction", triggers="bbq")
    rule.triggers = "BBQ, barbecue"
    rule.name = "grilling"
    rule.full_clean()
    rule.save()
    claimed = ClaimedName.objects.filter(owner=rule.claim_owner)
    assert sorted(claimed.values_list("name", "owner_label")) == [
        ("barbecue", "the contains rule “grilling”"),
        ("bbq", "the contains rule “grilling”"),
    ]


def test_deleting_a_contains_rule_frees_its_triggers():
    ContainsRuleFactory(triggers="bbq").delete()
    ContainsRuleFactory.build(triggers="bbq").full_clean()
    ContainsRuleFactory(triggers="bbq")
    assert ContainsRule.objects.get().trigger_list == ["bbq"]


def test_contains_triggers_do_not_collide_with_commands_or_terms():
    Canned(trigger="bbq")
    TermFactory(term="bbq")
    ContainsRuleFactory.build(triggers="bbq").full_clean()
    ContainsRuleFactory(triggers="bbq")
