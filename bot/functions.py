"""The function commands, built in code: help, flip a coin, newbie resources,
recommended channels (docs/behaviour.md#commands)."""

from collections.abc import Callable, Iterator

from bot import replies
from bot.context import Context
from bot.message import Message
from bot.replies import SlackCall
from responses.channel_links import render_channel_links

NEWBIES_CHANNEL = "newbies"

NEWBIE_RESOURCES = """\
First, take the Tour of Go: <https://go.dev/tour/>

Then read:
- <https://go.dev/doc/code> how to write, build and test Go code in modules
- <https://go.dev/doc/effective_go> Effective Go: writing clear, idiomatic Go
- <https://go.dev/ref/spec> the language specification
- <https://go.dev/doc/> much more documentation and articles

Websites worth a visit:
- <https://gobyexample.com> Go by Example: annotated example programs
- <https://go.dev/play/> the Go Playground, to try and share code
- <https://changelog.com/gotime> Go Time, a weekly podcast about Go
- <https://go-database-sql.org> using SQL databases from Go
- <https://dmitri.shuralyov.com/idiomatic-go> tips for idiomatic Go
- <https://divan.github.io/posts/avoid_gotchas> common gotchas and how to avoid them

Books:
- <https://www.gopl.io> The Go Programming Language
- <https://www.manning.com/books/go-in-action> Go in Action

Finally, <https://go.dev/wiki/Learn> lists even more ways to learn Go."""


def help_command(ctx: Context, message: Message) -> Iterator[SlackCall]:
    from responses.help import help_text

    intro, commands = help_text(ctx.index, ctx.bot_user_id, ctx.channel_id)
    yield replies.post_with_mentions(message, intro, attachment=commands)


def flip_a_coin(ctx: Context, message: Message) -> Iterator[SlackCall]:
    yield replies.post(message, "heads" if ctx.random.random() < 0.5 else "tails")


def newbie_resources(ctx: Context, message: Message) -> Iterator[SlackCall]:
    intro = "Here are some resources to check out if you are new to Go:"
    newbies = ctx.channel_id(NEWBIES_CHANNEL)
    if newbies and message.channel != newbies:
        intro = f"<#{newbies}> is the place to ask beginner questions. {intro}"
    yield replies.post_with_mentions(message, intro, attachment=NEWBIE_RESOURCES)


def recommended_channels(ctx: Context, message: Message) -> Iterator[SlackCall]:
    lines = []
    for channel in ctx.index.recommended_channels:
        channel_id = ctx.channel_id(channel.name)
        if channel_id:  # a channel that was renamed or archived is skipped
            description = render_channel_links(channel.description, ctx.channel_id)
            lines.append(f"- <#{channel_id}>: {description}")
    yield replies.post_with_mentions(
        message, "Here are the channels we recommend:", attachment="\n".join(lines)
    )


FUNCTIONS: dict[str, Callable[[Context, Message], Iterator[SlackCall]]] = {
    "help": help_command,
    "flip a coin": flip_a_coin,
    "newbie resources": newbie_resources,
    "recommended channels": recommended_channels,
}
