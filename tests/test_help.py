from responses.help import help_text
from responses.index import Command, ContentIndex, function_commands


def canned(trigger, aliases=(), show=True):
    return Command(trigger, aliases, f"about {trigger}", "text", "canned", False, show)


def test_help_lists_shown_commands_by_trigger_then_the_prefix_commands():
    index = ContentIndex(
        commands=[
            *function_commands(),
            canned("go tour", ("tour",)),
            canned("books"),
            canned("hidden", show=False),
        ]
    )
    intro, listing = help_text(index)
    assert "DM" in intro
    assert listing.splitlines() == [
        "• `books` - about books",
        "• `flip a coin` - heads or tails (also: `flip coin`, `coin flip`)",
        "• `go tour` - about go tour (also: `tour`)",
        "• `help` - lists everything I can do (also: `commands`)",
        "• `newbie resources` - resources for learning Go",
        "• `recommended channels` - channels worth joining, with what they are for"
        " (also: `channels`)",
        "",
        "These work at the start of a message:",
        "• `xkcd:1234` - links an xkcd comic (also xkcd:compiling, …)",
        "• `d/net/http` - links the documentation of a package on pkg.go.dev",
        "• `ghd/user/repo` - links the documentation of a GitHub package on pkg.go.dev",
        "• `define tdd` - explains a term from the glossary",
    ]
