"""Printing a run for the management commands."""

from pollers.posting import Run

_VERBS = {"posted": "posted to", "shadow": "shadow mode, not posted to", "dry-run": "would post to"}


def describe_run(out, run: Run) -> None:
    dry = " (dry run: nothing posted, no state saved)" if run.dry_run else ""
    detail = f": {run.detail}" if run.detail else ""
    out.write(f"{run.job}: {run.outcome}{detail}{dry} [{run.ms} ms]")
    for item in run.posts:
        out.write(f"  {_VERBS[item.delivery]} #{item.channel}: {item.message.get('text', '')}")
