"""The search engine the settings choose: Whoosh or PostgreSQL full-text search."""

import sqlalchemy as sa
from flask import Flask, current_app

from app.search.interface import SearchBackend
from app.search.postgres import PostgresBackend
from app.search.whoosh import WhooshBackend

BACKENDS = {"whoosh": WhooshBackend, "postgres": PostgresBackend}


def init_app(app: Flask) -> None:
    app.extensions["search"] = choose(app.config)


def choose(config: dict) -> SearchBackend:
    """The backend the settings name, or the one that suits the database; refuses a mismatch."""
    database = sa.engine.make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    name = config.get("SEARCH_BACKEND") or ("postgres" if database == "postgresql" else "whoosh")
    if name not in BACKENDS:
        raise ValueError(f"SEARCH_BACKEND is {name!r}: choose one of {', '.join(BACKENDS)}.")
    if name == "postgres" and database != "postgresql":
        raise ValueError(
            f"SEARCH_BACKEND is postgres, but the database is {database}: PostgreSQL full-text search needs"
            " the site's database on PostgreSQL (SQLALCHEMY_DATABASE_URI). Leave SEARCH_BACKEND unset to"
            " search with Whoosh."
        )
    return BACKENDS[name]()


def current() -> SearchBackend:
    return current_app.extensions["search"]
