"""`flask backup PATH` while the forum serves, and `flask restore PATH` into an empty forum."""

from pathlib import Path

import click

from app.backup import services
from app.backup.services import BackupError

backup_path = click.Path(path_type=Path)


@click.command("backup")
@click.argument("path", type=backup_path)
def backup(path: Path) -> None:
    """Write a consistent snapshot of the database to PATH, while the forum serves.

    SQLite: a copy of the database file. PostgreSQL: a pg_dump archive (custom format), which
    takes pg_dump of the server's major version or newer. PATH must not exist yet. The search is
    not in the backup: a restore rebuilds it.

    The backup holds the database only: keep instance/secret_key (or the ENTRAIDE_SECRET_KEY
    setting) with it, or once restored, members' sessions and the links of e-mails already sent
    stop working.
    """
    try:
        written = services.back_up(path)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(str(written))


@click.command("restore")
@click.argument("path", type=backup_path)
def restore(path: Path) -> None:
    """Bring the backup at PATH back into this forum's empty database.

    Only into a database without accounts, categories, threads or posts (a new one, or one that
    only ran `db upgrade`), never over a community; stop the forum meanwhile. The schema is then
    upgraded to this version's, and the search rebuilt.

    The backup holds the database only: put back the instance/secret_key kept with it (or set
    ENTRAIDE_SECRET_KEY), or members' sessions and the links of e-mails already sent stop working.
    """
    try:
        restored = services.restore(path, progress=click.echo)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(str(restored))
