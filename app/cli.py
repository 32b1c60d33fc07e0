"""Command-line tasks: `flask --app wsgi users create ...`, `flask --app wsgi seed-demo`."""

import click
import sqlalchemy as sa
from click.core import ParameterSource
from flask import Flask
from flask.cli import AppGroup

from app.accounts import services as accounts
from app.accounts.models import ROLES, User
from app.database import finish_bulk_load
from app.errors import InvalidInput
from app.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--email", required=True)
@click.option(
    "--password",
    envvar="NEW_ACCOUNT_PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given; or taken from NEW_ACCOUNT_PASSWORD. On the command line, every"
    " process listing shows it: for throw-away scripts only.",
)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
def create_user(username: str, email: str, password: str, role: str) -> None:
    """Create an account, staff ones included; its address counts as confirmed."""
    if click.get_current_context().get_parameter_source("password") is ParameterSource.COMMANDLINE:
        click.echo(
            "Warning: a password given on the command line shows in process listings and shell history;"
            " leave --password out to be asked for it, or set NEW_ACCOUNT_PASSWORD.",
            err=True,
        )
    try:
        user = accounts.create_user(username, email, password, role=role, confirmed=True)
    except InvalidInput as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.username} <{user.email}>.")


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill an empty database with a demo community."""
    from app.demo.seed import seed_demo_community

    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("The database already has accounts: nothing seeded.")
        return
    summary = seed_demo_community()
    db.session.commit()
    click.echo(summary)


@click.command("seed-bench")
@click.option("--posts", type=click.IntRange(1, 10_000_000), default=100_000, show_default=True)
def seed_bench(posts: int) -> None:
    """Fill an empty database with a large synthetic forum, for benchmarks."""
    from app.demo import synthetic

    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        raise click.ClickException("The database already has accounts: nothing seeded.")
    click.echo(synthetic.seed(posts))
    db.session.commit()
    finish_bulk_load(db.session)
    db.session.commit()


def init_app(app: Flask) -> None:
    from app.backup.cli import backup, restore
    from app.forum.cli import forum_cli
    from app.insights.cli import insights_cli
    from app.mail.cli import mail_cli
    from app.reputation.cli import reputation_cli
    from app.search.cli import search_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(forum_cli)
    app.cli.add_command(insights_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(reputation_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_bench)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
