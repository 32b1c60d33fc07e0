import time

import click
from flask.cli import AppGroup

from app.search import maintenance, outbox

search_cli = AppGroup("search", help="Build, check and update the search.")


@search_cli.command("reindex")
def reindex() -> None:
    """Build the search again from the database while the site serves."""
    began = time.perf_counter()
    count = maintenance.rebuild()
    seconds = time.perf_counter() - began
    click.echo(f"Indexed {count} posts in {seconds:.1f} s ({count / max(seconds, 1e-9):.0f} posts/s).")


@search_cli.command("check")
def check() -> None:
    """List posts missing from or stale in the search; exit 1 if there is any."""
    report = maintenance.check()
    for line in report.lines():
        click.echo(line)
    if not report.consistent:
        raise click.ClickException("The search differs from the database; `flask search reindex` rebuilds it.")
    click.echo("The search agrees with the database.")


@search_cli.command("drain")
def drain() -> None:
    """Apply every change still waiting in the outbox."""
    click.echo(f"Applied {outbox.apply_pending(everything=True)} queued changes.")


@search_cli.command("ensure")
def ensure() -> None:
    """Build the search if there is none yet (what `make run` does)."""
    if maintenance.exists():
        click.echo("The search exists.")
        return
    click.echo(f"Indexed {maintenance.rebuild()} posts.")
