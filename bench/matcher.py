"""Matcher benchmark: a worker's per-message work against the content index, by content size.

    python -m bench.matcher [--rounds 7] [--budget-ms 25]

Builds ContentIndex from plain values (the same class load_index() fills from the
database) with 100, 1,000 and 10,000 glossary terms and as many contains rules,
then times what a worker does per message: resolve_alias, command, contains_rules
and, for `define X`, define. Mentions are spliced out before timing, as the
worker's parser does. A second table adds only rules that never occur in these
messages, so every size gives the same answers: the cost of holding more rules,
apart from the cost of matching more of them. Build time is timed from plain values
and through load_index() from a scratch SQLite database (never your own).
Prints tables; never fails on a slow machine.
"""

import argparse
import os
import random
import re
import tempfile
import time
from pathlib import Path

from bench.common import median, print_table
from responses.index import (
    Command,
    ContainsRule,
    ContentIndex,
    GlossaryEntry,
    function_commands,
    load_index,
)

SIZES = (100, 1_000, 10_000)
SEED = 20240611

# Words people actually write in a Go community; triggers and terms are drawn from them.
WORDS = """
goroutine channel mutex context deadline select interface struct pointer slice map
generics closure defer panic recover error wrapping sentinel module vendor workspace
compiler linker escape analysis allocation garbage collector heap stack profiler pprof
benchmark fuzzing race detector test table subtest mock fixture coverage linter vet
gofmt goimports staticcheck gopls delve debugger build tag cgo wasm tinygo plugin
http server client handler middleware router mux grpc protobuf json yaml toml xml
websocket tls certificate proxy reverse load balancer timeout retry backoff circuit
breaker kafka nats redis postgres mysql sqlite mongo cassandra elastic etcd consul
vault docker kubernetes helm terraform ansible lambda serverless cloud bucket queue
worker pool pipeline fan out in semaphore waitgroup errgroup atomic lock free ring
buffer reader writer scanner bufio ioutil embed template html css javascript react
vue svelte htmx wails fyne gio ebiten raylib sdl opengl vulkan shader sprite game
engine physics parser lexer ast interpreter compiler virtual machine bytecode jit
regex unicode rune string builder bytes strconv time zone ticker timer cron job
scheduler daemon systemd signal graceful shutdown logging slog zap zerolog tracing
opentelemetry metrics prometheus grafana alert pager incident outage postmortem
migration schema orm gorm sqlc ent query index transaction isolation deadlock
replica shard partition consensus raft paxos gossip cluster node leader follower
snapshot backup restore encryption hashing bcrypt argon jwt oauth session cookie
csrf cors header payload request response status code redirect cache etag cdn
interview resume salary remote meetup conference talk slides workshop mentor
newbie beginner tutorial book course exercise kata advent puzzle challenge
refactor legacy monolith microservice domain driven design hexagonal clean
architecture dependency injection inversion factory builder singleton observer
""".split()  # noqa: SIM905 - reads better as prose than as 300 quoted words

DEFAULT_RULES = [
    ("bbq",), ("ghost",), ("spacex",), ("buffalo", "gobuffalo"), ("spacemacs",),
    ("my adorable little gophers",), ("dragon", "dargon", "ermergerd", "ermahgerd"),
    ("rubberduck", "rubber duck", "rubber-duck"), ("beer me",), ("thank", "cheers", "hello"),
    ("wave",), ("vim",), ("emacs",), ("︵", "彡"), ("proverbs",),
]  # fmt: skip
DEFAULT_TERMS = [
    ("domain-driven design", ("ddd", "domain driven design", "domain-driven development")),
    ("dependency injection", ("di",)),
    ("test-driven development", ("tdd", "test driven development")),
    ("variadic", ("variadic parameter", "variadic function")),
    ("blank identifier", ("blank", "underscore")),
]
BOT = "U0GOPHERBOT"
MENTION = re.compile(r"<[@#!][^<>]{2,80}>")


def phrases(rng: random.Random) -> list[str]:
    """Distinct words and short phrases: every fourth a single word, while they last."""
    singles = list(dict.fromkeys(WORDS))
    rng.shuffle(singles)
    seen = set(singles)
    multi: list[str] = []
    while len(multi) < 3 * max(SIZES):
        candidate = " ".join(rng.choice(WORDS) for _ in range(rng.choice((2, 2, 2, 3))))
        if candidate not in seen:
            seen.add(candidate)
            multi.append(candidate)
    out: list[str] = []
    while singles or multi:
        out.append(singles.pop() if singles and len(out) % 4 == 0 else multi.pop())
    return out


def variants(phrase: str) -> list[str]:
    """How people spell a phrase differently: hyphenated, run together, abbreviated."""
    words = phrase.split()
    if len(words) == 1:
        return []
    return ["-".join(words), "".join(words), "".join(w[0] for w in words)]


def content(size: int, avoid: str = "") -> tuple[list[ContainsRule], list[GlossaryEntry]]:
    """The first `size` rules and terms of one fixed draw, so each size contains the smaller.

    Beyond the default rules, triggers found in `avoid` are skipped.
    """
    rng = random.Random(SEED)
    pool = phrases(rng)
    rules = [
        ContainsRule(n + 1, triggers, ("gopher",), "", n % 4 == 0, 1.0, False)
        for n, triggers in enumerate(DEFAULT_RULES)
    ]
    used: set[str] = {t for r in rules for t in r.triggers}
    picks = iter(pool)
    while len(rules) < size:
        phrase = next(picks)
        triggers = [phrase] + [v for v in variants(phrase)[:2] if rng.random() < 0.3]
        triggers = [t for t in triggers if t not in used and len(t) > 2 and t not in avoid]
        if not triggers:
            continue
        used.update(triggers)
        rules.append(
            ContainsRule(len(rules) + 1, tuple(triggers), ("gopher",), "", False, 1.0, False)
        )

    terms = [GlossaryEntry(term, aliases, f"about {term}") for term, aliases in DEFAULT_TERMS]
    claimed = {name for e in terms for name in (e.term, *e.aliases)}
    rng_terms = random.Random(SEED + 1)
    picks = iter(pool[::-1])
    while len(terms) < size:
        term = next(picks)
        if term in claimed:
            continue
        aliases = tuple(a for a in variants(term) if a not in claimed and rng_terms.random() < 0.5)
        claimed.update((term, *aliases))
        terms.append(GlossaryEntry(term, aliases, f"about {term}"))
    return rules, terms


CANNED = [("go tour", ("tour",)), ("playground", ("go playground", "goplay")),
          ("ask", ("don't ask", "dont ask", "just ask")), ("code of conduct", ("coc",)),
          ("books", ()), ("slices", ("slice internals",))]  # fmt: skip


def commands() -> list[Command]:
    canned = [Command(t, a, f"about {t}", f"see {t}", "canned", False, True) for t, a in CANNED]
    return function_commands() + canned


def build(size: int, avoid: str = "") -> ContentIndex:
    rules, terms = content(size, avoid)
    return ContentIndex(commands=commands(), rules=rules, glossary=terms)


def load_index_ms(repeats: int) -> dict[int, float]:
    """load_index() from a scratch SQLite database holding each size, ms (median)."""
    import django
    from django.core.management import call_command

    scratch = Path(tempfile.mkdtemp(prefix="gopherbot-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'db.sqlite3'}"
    django.setup()
    call_command("migrate", verbosity=0)
    from glossary.models import Term
    from responses import models

    models.CannedResponse.objects.bulk_create(
        models.CannedResponse(trigger=t, aliases=", ".join(a), description=t, text=t)
        for t, a in CANNED
    )
    result = {}
    stored = 0
    for size in SIZES:
        # Each size holds the smaller ones, so only the new rows are added (bulk_create skips
        # save() and its signals: no name claims or version bumps, which a load doesn't read).
        rules, terms = content(size)
        models.ContainsRule.objects.bulk_create(
            models.ContainsRule(name=f"rule {r.id}", triggers=", ".join(r.triggers),
                                reactions="gopher", mention_required=r.mention_required)
            for r in rules[stored:]
        )  # fmt: skip
        Term.objects.bulk_create(
            Term(term=t.term, aliases=", ".join(t.aliases), definition=t.definition)
            for t in terms[stored:]
        )
        stored = size
        timings = []
        for _ in range(repeats):
            started = time.perf_counter_ns()
            load_index()
            timings.append((time.perf_counter_ns() - started) / 1e6)
        result[size] = median(timings)
    return result


GO_SNIPPET = """
func (s *Server) handle(ctx context.Context, req *Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, "SELECT id, name FROM users WHERE team_id = $1", req.Team)
	if err != nil {
		return nil, fmt.Errorf("query users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	var wg sync.WaitGroup
	results := make(chan Result, len(out))
	for _, u := range out {
		wg.Add(1)
		go func(u User) {
			defer wg.Done()
			results <- s.worker.Process(ctx, u)
		}(u)
	}
	wg.Wait()
	close(results)
	return &Response{Users: out}, rows.Err()
}
"""
STACK_TRACE = """
goroutine 1337 [chan receive, 12 minutes]:
main.(*Pool).worker(0xc000124000, 0x3)
	/home/dev/src/github.com/acme/ingest/pool.go:88 +0x1a5
created by main.NewPool in goroutine 1
	/home/dev/src/github.com/acme/ingest/pool.go:41 +0x11f
"""


def sized(block: str, target: int) -> str:
    return (block * (target // len(block) + 1))[:target]


def messages() -> list[tuple[str, str]]:
    """(label, raw Slack text) — the mix a busy channel sees."""
    return [
        ("short question", "how do I read a file line by line in go?"),
        ("question", "anyone know why my goroutines leak when the context is cancelled? "
         "I use an errgroup with a worker pool and a deadline, then the server hangs"),
        ("alias, mentioned", f"<@{BOT}> tour"),
        ("command, mentioned", f"<@{BOT}> go tour <@U02ALICE>"),
        ("define (alias)", f"<@{BOT}> define TDD"),
        ("define (unknown)", f"<@{BOT}> define quantum flux capacitor"),
        ("thanks + mentions", f"thanks <@{BOT}>! <@U02ALICE> <@U03BOB> <!here> have a look"),
        ("chatty, reactions", "beer me! the meetup had bbq and a rubber duck talk about vim vs "
         "emacs, cheers everyone 🍻"),
        ("prose ~600 B", sized("We moved our monolith to microservices last year and the "
         "latency budget got eaten by retries and timeouts between services. ", 600)),
        ("code paste ~2 KB", "why does this deadlock?\n```" + sized(GO_SNIPPET, 2_000) + "```"),
        ("code paste ~5 KB", "panic on shutdown:\n```" + sized(GO_SNIPPET + STACK_TRACE, 5_000)
         + "```"),
        ("log paste 40 KB", "full dump:\n```" + sized(STACK_TRACE + GO_SNIPPET, 40_000) + "```"),
    ]  # fmt: skip


def splice_mentions(text: str) -> str:
    """The text the worker matches: mentions spliced out, trimmed (done before timing)."""
    return MENTION.sub("", text).strip()


def handle(index: ContentIndex, text: str) -> int:
    """What a worker asks the index for one message; returns the number of answers."""
    resolved = index.resolve_alias(text)
    found = index.command(resolved) is not None
    found += len(index.contains_rules(resolved))
    if resolved.startswith("define "):
        found += index.define(resolved[len("define ") :]) is not None
    return found


def time_per_call_ns(index: ContentIndex, text: str, budget_ns: int) -> float:
    """Nanoseconds per handle() call, repeating it for about budget_ns."""
    reps = 1
    while True:
        started = time.perf_counter_ns()
        for _ in range(reps):
            handle(index, text)
        elapsed = time.perf_counter_ns() - started
        if elapsed >= budget_ns:
            return elapsed / reps
        reps = max(reps * 2, int(reps * budget_ns / max(elapsed, 1)) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--budget-ms", type=float, default=25, help="per message and round")
    args = parser.parse_args()
    budget_ns = int(args.budget_ms * 1_000_000)

    build_ms: dict[int, list[float]] = {size: [] for size in SIZES}
    indexes: dict[int, ContentIndex] = {}
    for _ in range(3):
        for size in SIZES:
            rules, terms = content(size)
            started = time.perf_counter_ns()
            indexes[size] = ContentIndex(commands=commands(), rules=rules, glossary=terms)
            build_ms[size].append((time.perf_counter_ns() - started) / 1e6)

    from_db_ms = load_index_ms(3)

    texts = [(label, splice_mentions(raw)) for label, raw in messages()]
    avoid = "\n".join(text.lower() for _, text in texts)
    contents = {
        "realistic": indexes,
        "quiet": {size: build(size, avoid) for size in SIZES},
    }
    samples: dict[tuple[str, str, int], list[float]] = {}
    for _ in range(args.rounds):  # everything interleaved within a round, so drift hits all alike
        for label, text in texts:
            for name, built in contents.items():
                for size in SIZES:
                    samples.setdefault((name, label, size), []).append(
                        time_per_call_ns(built[size], text, budget_ns) / 1000
                    )

    sizes = [f"{size:,}" for size in SIZES]
    titles = {
        "realistic": "Per-message matching time, µs: realistic content (more rules, more answers)",
        "quiet": "The same, when the added rules never occur in these messages (same answers)",
    }
    for name, built in contents.items():
        rows = []
        for label, text in texts:
            us = [median(samples[(name, label, size)]) for size in SIZES]
            answers = [handle(built[size], text) for size in SIZES]
            rows.append(
                [label, f"{len(text):,}"]
                + [f"{u:,.1f}" for u in us]
                + [f"{us[-1] / us[0]:.2f}x", "/".join(str(a) for a in answers)]
            )
        means = [
            sum(median(samples[(name, label, size)]) for label, _ in texts) / len(texts)
            for size in SIZES
        ]
        rows.append(
            ["mean of the mix", ""]
            + [f"{u:,.1f}" for u in means]
            + [f"{means[-1] / means[0]:.2f}x", ""]
        )
        print(f"\n{titles[name]}\n")
        print_table(
            ["message", "bytes", *(f"{s} rules" for s in sizes), "10k/100", "answers"], rows
        )
    print(f"\n(Median of {args.rounds} rounds; index built from plain values. N rules = N glossary")
    print(" terms and N contains rules; 'answers' = command, rules and definitions found at")
    print(" each size. Target: 10k/100 ≤ 1.5x.)\n")
    print("Index build time (only when content changes), ms, median of 3\n")
    print_table(
        ["size", "rules", "triggers", "terms+aliases", "from values", "load_index() SQLite"],
        [
            [
                sizes[n],
                f"{len(content(size)[0]):,}",
                f"{sum(len(r.triggers) for r in content(size)[0]):,}",
                f"{sum(1 + len(t.aliases) for t in content(size)[1]):,}",
                f"{median(build_ms[size]):,.1f}",
                f"{from_db_ms[size]:,.1f}",
            ]
            for n, size in enumerate(SIZES)
        ],
    )


if __name__ == "__main__":
    main()
