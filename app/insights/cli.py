import click
from flask.cli import AppGroup

from app.clock import utcnow
from app.database import begin_reading
from app.extensions import db
from app.insights import snapshots
from app.insights.figures import compute

insights_cli = AppGroup("insights", help="The figures of the insights page.")


@insights_cli.command("compute")
def compute_figures() -> None:
    """Compute today's figures and store them for every worker (daily, from a timer)."""
    begin_reading(db.session)  # on SQLite, computing must not hold the writers' lock
    figures = compute(utcnow())
    db.session.rollback()  # the reads are over: storing is a transaction of its own
    snapshots.store(figures)
    questions = sum(week.questions for week in figures.weeks)
    click.echo(f"Insights computed at {figures.computed_at:%Y-%m-%d %H:%M:%S} UTC: {questions} questions in 12 weeks.")
