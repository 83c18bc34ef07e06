"""The default content (docs/behaviour.md#default-content), loaded by
`manage.py load_default_content`.

Wording is ours; the links, names and numbers are facts carried over from the Go bot.
"""

CANNED = [
    {
        "trigger": "recommended",
        "aliases": "recommended blogs",
        "description": "blogs and people worth following",
        "text": (
            "Blogs worth following for Go:\n"
            "• Peter Bourgon: <https://peter.bourgon.org/blog/>\n"
            "• Dave Cheney: <https://dave.cheney.net/>\n"
            "• JBD: <https://golang.rakyll.org/>\n"
            "• Jessie Frazelle: <https://blog.jessfraz.com/>\n"
            "• Going Go: <https://www.goinggo.net/>"
        ),
    },
    {
        "trigger": "books",
        "aliases": "",
        "description": "books about Go",
        "text": (
            "Books about Go:\n"
            "• *Go in Action*: <https://www.manning.com/books/go-in-action>\n"
            "• *The Go Programming Language*: <https://www.gopl.io/>\n"
            "• *Go Programming Blueprints*, 2nd edition"
        ),
    },
    {
        "trigger": "oss help wanted",
        "aliases": "help wanted, oss help",
        "description": "open-source Go projects looking for contributors",
        "text": (
            "Want to contribute? These Go projects are looking for help: "
            "<https://github.com/corylanou/oss-helpwanted>"
        ),
    },
    {
        "trigger": "work with forks",
        "aliases": "working with forks",
        "description": "how to work with forks of Go repositories",
        "text": (
            "Forking a Go project and keeping the import paths working: "
            "<https://blog.sgmansfield.com/2016/06/working-with-forks-in-go/>"
        ),
    },
    {
        "trigger": "block forever",
        "aliases": "how to block forever",
        "description": "how to block forever",
        "text": (
            "`select {}` blocks forever without using any CPU. Other ways, and why they are "
            "worse: <https://blog.sgmansfield.com/2016/06/how-to-block-forever-in-go/>"
        ),
    },
    {
        "trigger": "http timeouts",
        "aliases": "",
        "description": "timeouts in net/http clients and servers",
        "text": (
            "The complete guide to net/http timeouts: "
            "<https://blog.cloudflare.com/the-complete-guide-to-golang-net-http-timeouts/>"
        ),
    },
    {
        "trigger": "slices",
        "aliases": "slice internals",
        "description": "how slices (and strings) work",
        "text": (
            "How slices work:\n"
            "• Go slices, usage and internals: <https://go.dev/blog/slices-intro>\n"
            "• Arrays, slices (and strings), the mechanics of `append`: "
            "<https://go.dev/blog/slices>\n"
            "• Strings, bytes, runes and characters: <https://go.dev/blog/strings>"
        ),
    },
    {
        "trigger": "database tutorial",
        "aliases": "databases",
        "description": "using databases from Go",
        "text": "A tutorial on `database/sql`: <http://go-database-sql.org/>",
    },
    {
        "trigger": "empty struct",
        "aliases": "zero struct, struct{}",
        "description": "what the empty struct is good for",
        "text": (
            "`struct{}` takes no memory, which makes it handy for sets and signals: "
            "<https://dave.cheney.net/2014/03/25/the-empty-struct>"
        ),
    },
    {
        "trigger": "project layout",
        "aliases": "project structure, package layout, package structure",
        "description": "how to lay out a Go project and its packages",
        "text": (
            "How to organise a Go project:\n"
            "• Organizing a Go module (the Go team): <https://go.dev/doc/modules/layout>\n"
            "• Style guideline for packages: <https://rakyll.org/style-packages/>\n"
            "• Standard package layout: <https://www.gobeyond.dev/standard-package-layout/>\n"
            "Start small: one package is fine until it isn't."
        ),
    },
    {
        "trigger": "go challenges",
        "aliases": "challenges, challenge",
        "description": "programming challenges to practise Go",
        "text": "Practise Go with these challenges: <https://tutorialedge.net/challenges/go/>",
    },
    {
        "trigger": "idiomatic go",
        "aliases": "",
        "description": "what idiomatic Go looks like",
        "text": "Idiomatic Go, with examples: <https://dmitri.shuralyov.com/idiomatic-go>",
    },
    {
        "trigger": "invite link",
        "aliases": "invite, slack invite, workspace invite",
        "description": "the invite link to this Slack",
        "text": "Invite your friends to the Gophers Slack: <https://invite.slack.golangbridge.org/>",
    },
    {
        "trigger": "avoid gotchas",
        "aliases": "gotchas",
        "description": "common Go gotchas and how to avoid them",
        "text": "Common gotchas and how to avoid them: <https://divan.github.io/posts/avoid_gotchas/>",
    },
    {
        "trigger": "source code",
        "aliases": "source",
        "description": "where my source code lives",
        "text": (
            "I grew from the Gophers Slack bot at <https://github.com/gobridge/gopherbot>. "
            "My answers are kept by the moderators: suggest a change in {#admin-help}."
        ),
    },
    {
        "trigger": "dependency injection",
        "aliases": "di",
        "description": "dependency injection in Go",
        "text": "Dependency injection in Go, no framework needed: <https://appliedgo.net/di/>",
    },
    {
        "trigger": "pointer performance",
        "aliases": "",
        "description": "why pointers are not automatically faster",
        "text": (
            "Pointers are not automatically faster than values. Sharing a pointer can make "
            "the value escape to the heap, and an allocation plus the garbage collector's work "
            "usually cost more than copying a small struct. Measure with a benchmark first.\n"
            "• Allocation efficiency in high-performance Go services: "
            "<https://segment.com/blog/allocation-efficiency-in-high-performance-go-services/>\n"
            "• A guide to the Go garbage collector: <https://go.dev/doc/gc-guide>"
        ),
    },
    {
        "trigger": "gopath",
        "aliases": "gopath problem, issue with gopath, help with gopath",
        "description": "GOPATH is history: use modules",
        "text": (
            "Modules have replaced GOPATH: your code can live anywhere, and `go mod init` "
            "starts a new module. How to write Go code today: <https://go.dev/doc/code>"
        ),
    },
    {
        "trigger": "playground",
        "aliases": "go playground, goplay, goplay space",
        "description": "where to run and share Go code",
        "text": (
            "Run and share Go code in the Go Playground: <https://go.dev/play/>\n"
            "An alternative with more features: <https://goplay.space/>"
        ),
    },
    {
        "trigger": "code of conduct",
        "aliases": "coc",
        "description": "the code of conduct of this community",
        "text": (
            "Please read and follow our code of conduct: <https://coc.golangbridge.org/>. "
            "The Go project's own: <https://go.dev/conduct>. "
            "Questions or concerns? Ask the moderators in {#admin-help}, or email "
            "<mailto:support@gobridge.org|support@gobridge.org>."
        ),
    },
    {
        "trigger": "screenshots",
        "aliases": "screenshot",
        "description": "why to share code as text, not screenshots",
        "text": (
            "Please share code and errors as text, not screenshots: others can read, copy "
            "and run text. Use a snippet or a code block for short pieces, the Playground "
            "(<https://go.dev/play/>) or a gist (<https://gist.github.com/>) for longer ones."
        ),
    },
    {
        "trigger": "go tour",
        "aliases": "tour",
        "description": "the tour of Go",
        "text": "Take the tour of Go, right in your browser: <https://go.dev/tour/>",
    },
    {
        "trigger": "doesn't work",
        "aliases": "more context, doesnt work, doesntwork",
        "description": "how to ask when something doesn't work",
        "text": (
            "“It doesn't work” is hard to help with. Please tell us what you did (the code), "
            "what you expected to happen, what happened instead, and the full error message."
        ),
    },
    {
        "trigger": "ask",
        "aliases": "don't ask, dont ask, dontask, just ask, justask",
        "description": "don't ask to ask, just ask",
        "text": "Don't ask to ask, just ask your question: <https://dontasktoask.com/>",
    },
    {
        "trigger": "crosspost",
        "aliases": "xpost",
        "description": "why to ask in one channel only",
        "text": (
            "Please keep a question to one channel: posting it in several splits the answers "
            "and makes people do the same work twice. If nobody has replied after a while, "
            "then consider asking in another channel."
        ),
    },
    {
        "trigger": "fyne books",
        "aliases": "",
        "description": "books about the Fyne GUI toolkit",
        "text": (
            "Books about Fyne, the Go GUI toolkit, both by Andrew Williams:\n"
            "• *Building Cross-Platform GUI Applications with Fyne*: <https://www.packtpub.com/"
            "en-us/product/building-cross-platform-gui-applications-with-fyne-9781800563162>\n"
            "• *Hands-On GUI Application Development in Go*: <https://www.packtpub.com/en-us/"
            "product/hands-on-gui-application-development-in-go-9781789138412>"
        ),
    },
    {
        "trigger": "fyne tour",
        "aliases": "",
        "description": "the tour of Fyne",
        "text": (
            "The tour of Fyne, the Go GUI toolkit, is now part of its documentation: "
            "start at <https://docs.fyne.io/started/>"
        ),
    },
    {
        "trigger": "fyne compile",
        "aliases": "fyne cgo, fyne windows",
        "description": "compiling Fyne apps (cgo and a C compiler)",
        "text": (
            "Fyne uses cgo, so compiling needs a working C compiler besides Go, and the first "
            "build takes a while. What to install on each platform: "
            "<https://docs.fyne.io/started/>. On Windows, check that the C compiler is a "
            "64-bit one (MSYS2's MinGW-w64): many default to 32-bit."
        ),
    },
    {
        "trigger": "fyne docs",
        "aliases": "fyne doc",
        "description": "the Fyne documentation",
        "text": (
            "The Fyne documentation, by what you are looking for:\n"
            "• Getting started: <https://docs.fyne.io/started/>\n"
            "• The API: <https://docs.fyne.io/api/>\n"
            "• Tutorials on advanced topics (custom widgets, layouts, themes): "
            "<https://docs.fyne.io/extend/>\n"
            "• Frequently asked questions: <https://docs.fyne.io/faq/>\n"
            "• Videos, tutorials and talks: <https://www.youtube.com/c/fyne-io>"
        ),
    },
    {
        "trigger": "fyne layouts",
        "aliases": "fyne layout",
        "description": "how Fyne arranges widgets",
        "text": (
            "In Fyne, a container's layout decides where its widgets go and how big they "
            "are: pick one of the standard layouts (<https://docs.fyne.io/explore/layouts/>) "
            "or write your own (<https://docs.fyne.io/extend/custom-layout/>) rather than "
            "sizing widgets by hand."
        ),
    },
    {
        "trigger": "fyne sizes",
        "aliases": "fyne size",
        "description": "why a Fyne widget has the size it has",
        "text": (
            "A Fyne widget's size and position come from the layout of its container: "
            "`Resize` is overridden by it, and `MinSize` is what it works from "
            "(<https://docs.fyne.io/faq/layout/>). Widgets too small? Avoid `VBox` and `HBox`, "
            "which pack them tightly, and pick a layout that gives them room."
        ),
    },
    {
        "trigger": "fyne theme",
        "aliases": "fyne themes, fyne style, fyne styles",
        "description": "styling Fyne apps with a theme",
        "text": (
            "Fyne apps are styled through a theme, not per widget. The default theme has "
            "light and dark variants, chosen by the user. To change the look, write a custom "
            "theme (<https://docs.fyne.io/extend/custom-theme/>); more on customising: "
            "<https://docs.fyne.io/faq/theme/>."
        ),
    },
]


def _reaction(name: str, triggers: str, reactions: str, **extra) -> dict:
    return {"name": name, "triggers": triggers, "reactions": reactions, "reply": "", **extra}


CONTAINS = [
    _reaction("bbq", "bbq", "bbqgopher"),
    _reaction("ghost", "ghost", "ghost"),
    _reaction("spacex", "spacex", "rocket"),
    _reaction("buffalo", "buffalo, gobuffalo", "gobuffalo"),
    _reaction("spacemacs", "spacemacs", "spacemacs"),
    _reaction("adorable gophers", "my adorable little gophers", "gopher"),
    _reaction("dragon", "dragon, dargon, ermergerd, ermahgerd", "dragon"),
    _reaction("rubber duck", "rubberduck, rubber duck, rubber-duck", "rubberduck"),
    _reaction("beer me", "beer me", "beer, beers"),
    _reaction("thanks and hellos", "thank, cheers, hello", "gopher", mention_required=True),
    _reaction("wave", "wave", "wave, gopher", mention_required=True),
    _reaction("vim, rarely", "vim", "emacs", chance_one_in=150),
    _reaction("emacs, rarely", "emacs", "vim", chance_one_in=150),
    {
        "name": "table flip",
        "triggers": "︵, 彡",
        "reactions": "",
        "reply": "┬─┬ノ( º _ ºノ)",  # noqa: RUF001 (a table, put back)
    },
    {
        "name": "proverbs",
        "triggers": "proverbs",
        "reactions": "",
        "reply": "The Go proverbs: <https://go-proverbs.github.io/>",
    },
]

TERMS = [
    {
        "term": "domain-driven design",
        "aliases": "ddd, domain driven design, domain-driven development",
        "definition": (
            "an approach to software design that shapes the code after the business domain: "
            "a language shared with the domain experts, bounded contexts that each keep one "
            "consistent model, and building blocks such as entities, value objects and "
            "aggregates. Eric Evans named it in his 2003 book *Domain-Driven Design*. "
            "More: <https://en.wikipedia.org/wiki/Domain-driven_design>"
        ),
    },
    {
        "term": "dependency injection",
        "aliases": "di",
        "definition": (
            "handing a component what it depends on (a database, a clock, a logger) from the "
            "outside, instead of letting it create or find them itself. In Go that is usually "
            "just constructor arguments or struct fields typed as small interfaces, no framework "
            "needed; it makes code easy to test and to rewire. More: <https://appliedgo.net/di/>"
        ),
    },
    {
        "term": "test-driven development",
        "aliases": "tdd, test driven development",
        "definition": (
            "writing a failing test first, then the least code that makes it pass, then "
            "cleaning up with the test as a safety net (red, green, refactor). Go's `testing` "
            "package and `go test` are all you need to start. "
            "More: <https://en.wikipedia.org/wiki/Test-driven_development>"
        ),
    },
    {
        "term": "variadic",
        "aliases": "variadic parameter, variadic function",
        "definition": (
            "said of a function whose last parameter is `...T`: it takes any number of "
            "arguments of type T and sees them as a `[]T`, e.g. `func sum(nums ...int) int`. "
            "Pass a slice you already have with `sum(s...)`. "
            "<https://go.dev/ref/spec#Passing_arguments_to_..._parameters>"
        ),
    },
    {
        "term": "blank identifier",
        "aliases": "blank, underscore",
        "definition": (
            "`_`, a name that throws away what is assigned to it: `_, err := f()` ignores a "
            'result, `import _ "image/png"` imports a package only for its side effects, and '
            "`var _ io.Reader = (*T)(nil)` checks at compile time that `*T` implements "
            "`io.Reader`. <https://go.dev/doc/effective_go#blank>"
        ),
    },
]

_CHANNELS = [
    ("general", "general Go questions", True),
    ("newbies", "resources and help for people new to Go", True),
    ("gotimefm", "the Go Time podcast, live", True),
    ("jobs", "Go jobs", True),
    ("modules", "help with Go modules", False),
    ("reviews", "ask for a review of your code", True),
    ("showandtell", "show what you are working on", False),
    ("aws", "Go on Amazon Web Services", False),
    ("bbq", "barbecue, the other thing gophers cook", False),
    ("devops", "Go for operations and infrastructure", False),
    ("golang-cls", "Go changes (CLs) as they are merged, in real time", False),
    ("goreviews", "talk to the Go team about a CL", True),
    ("performance", "making Go programs fast", False),
    ("remotemeetup", "Go meetups you can join from anywhere", True),
    ("security", "security in and of Go programs", False),
    ("admin-help", "reach the moderators of this Slack", True),
]

RECOMMENDED = [
    {"name": name, "description": description, "in_welcome": in_welcome, "order": 10 * (i + 1)}
    for i, (name, description, in_welcome) in enumerate(_CHANNELS)
]

TEAM_WELCOME = """\
Welcome to the Gophers Slack, we're glad you're here! :wave:

A few things to get you started:
• Please read our code of conduct: <https://coc.golangbridge.org/>. If anything goes wrong, \
or you need a moderator, ask in {#admin-help}.
• I'm {bot}, the community bot. Send me `help` in a direct message, or mention me in a \
channel (`{bot} help`), to see what I can do.
• Go questions are welcome in {#general}; the forum at <https://forum.golangbridge.org/> \
suits longer discussions.
• Sharing code? Please use the Go Playground, <https://go.dev/play/>, rather than long \
pastes or screenshots.

Some channels you may like:
{recommended_channels}

For more suggestions, send me `recommended channels`. There are many more channels, \
for all sorts of interests and for cities and countries too: use *Browse channels* in the \
sidebar to find them.
And make yourself a gopher avatar at <https://gopherize.me/>. Happy coding!"""

NEWBIES_WELCOME = """\
Welcome to {#newbies}! :wave: Tell us a little about yourself and what you would like to \
learn; no question is too basic here. For learning resources, send `{bot} newbie resources`, \
and `{bot} help` shows what else I can do."""

WELCOMES = [
    {"kind": "team_join", "channel": "", "template": TEAM_WELCOME},
    {"kind": "channel_join", "channel": "newbies", "template": NEWBIES_WELCOME},
]

PLAYGROUND_DENIED = [
    {"name": "admin-help", "note": "people ask the moderators for help; keep it readable"},
    {"name": "random", "note": "not about code"},
    {"name": "admins", "note": "the moderators' private channel"},
    {"name": "moderators", "note": "the moderators' private channel"},
]
