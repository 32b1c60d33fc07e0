import click
from flask.cli import AppGroup

from app.database import begin_reading
from app.extensions import db
from app.forum import counters

forum_cli = AppGroup("forum", help="Check the forum's counters.")


@forum_cli.command("verify")
def verify() -> None:
    """Recount every thread, category and member counter; exit 1 and list the differences if any."""
    begin_reading(db.session)
    drift = counters.find_drift()
    for line in drift:
        click.echo(str(line))
    if drift:
        raise click.ClickException(f"{len(drift)} counters differ from a recount of their rows.")
    click.echo("Every counter agrees with its rows.")
