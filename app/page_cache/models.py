import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# The id of the table's one row.
SITE = 1


def new_version() -> int:
    """A version never used before, rather than the next number: a database restored from a backup
    goes back to a version its data had, never to one that pages of other data were kept under."""
    return secrets.randbits(62)


class ContentVersion(db.Model):
    """One row whose version changes with every committed change that visitors can see."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)


def insert_row(table: sa.Table, connection: sa.Connection, **_) -> None:
    connection.execute(table.insert().values(id=SITE, version=new_version()))


# A database built from the models (tests, a first `db.create_all`) gets its row as the migration does.
sa.event.listen(ContentVersion.__table__, "after_create", insert_row)
