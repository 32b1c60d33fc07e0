import click
from flask.cli import AppGroup

from app.database import begin_reading
from app.extensions import db
from app.reputation import ledger

reputation_cli = AppGroup("reputation", help="Check and repair reputation against its ledger.")


@reputation_cli.command("verify")
def verify() -> None:
    """Recompute every sum from the ledger; exit 1 and list the differences if any."""
    begin_reading(db.session)
    drift = ledger.find_drift()
    for line in drift:
        click.echo(str(line))
    if drift:
        raise click.ClickException(
            f"{len(drift)} figures differ from the ledger; `flask reputation rebuild` repairs them."
        )
    click.echo("Reputation and helpful counts agree with the ledger.")


@reputation_cli.command("rebuild")
def rebuild() -> None:
    """Set every reputation and helpful count from the ledger and the marks."""
    repaired = ledger.rebuild()
    db.session.commit()
    click.echo(f"Rebuilt from the ledger; {repaired} figures were wrong.")
