"""factory-boy factories for the content models, and the people who use the admin.

Personas:
- MemberFactory: a plain member with an account. May not enter the admin at all.
- ModeratorFactory: staff, in the moderators group. May add, change and delete the
  bot's content (canned responses, contains rules, glossary, channels, welcomes,
  the playground deny list) and read the change log; may not touch users or groups.
- SuperuserFactory: an operator. May do everything, including making moderators.
"""

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from glossary.models import Term
from responses.claims import ClaimedName
from responses.models import (
    CannedResponse,
    ContainsRule,
    PlaygroundDeniedChannel,
    RecommendedChannel,
    Welcome,
)
from responses.moderators import setup_moderators_group


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    # Unusable (hashing a real one takes a second): tests log in with client.force_login.
    password = "!unusable"


class ModeratorFactory(MemberFactory):
    username = factory.Sequence(lambda n: f"moderator{n}")
    is_staff = True

    @factory.post_generation
    def moderators_group(user, create, extracted, **kwargs):
        if create:
            group, _, _ = setup_moderators_group()
            user.groups.add(group)


class SuperuserFactory(MemberFactory):
    username = factory.Sequence(lambda n: f"operator{n}")
    is_staff = True
    is_superuser = True


class CannedResponseFactory(DjangoModelFactory):
    class Meta:
        model = CannedResponse

    trigger = factory.Sequence(lambda n: f"canned {n}")
    aliases = ""
    description = factory.LazyAttribute(lambda o: f"about {o.trigger}")
    text = factory.LazyAttribute(lambda o: f"All about {o.trigger}: <https://go.dev/>")


class ContainsRuleFactory(DjangoModelFactory):
    class Meta:
        model = ContainsRule

    name = factory.Sequence(lambda n: f"rule {n}")
    triggers = factory.Sequence(lambda n: f"word{n}")
    reactions = "gopher"
    reply = ""


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    term = factory.Sequence(lambda n: f"term {n}")
    aliases = ""
    definition = factory.LazyAttribute(lambda o: f"what {o.term} means")


class RecommendedChannelFactory(DjangoModelFactory):
    class Meta:
        model = RecommendedChannel

    name = factory.Sequence(lambda n: f"channel-{n}")
    description = factory.LazyAttribute(lambda o: f"all about {o.name}")
    in_welcome = True
    order = factory.Sequence(lambda n: n)


class WelcomeFactory(DjangoModelFactory):
    class Meta:
        model = Welcome

    kind = Welcome.CHANNEL_JOIN
    channel = factory.Sequence(lambda n: f"channel-{n}")
    template = "Welcome to {#newbies}! Ask {bot} for `help`."


class PlaygroundDeniedChannelFactory(DjangoModelFactory):
    class Meta:
        model = PlaygroundDeniedChannel

    name = factory.Sequence(lambda n: f"quiet-{n}")


class ClaimedNameFactory(DjangoModelFactory):
    """Normally written by the models themselves; direct use is for database-level tests."""

    class Meta:
        model = ClaimedName

    namespace = "command"
    name = factory.Sequence(lambda n: f"claimed {n}")
    owner = factory.Sequence(lambda n: f"test:{n}")
    owner_label = "a test"
