"""Which search backend answers: the one the settings name, else the one that suits the database."""

import pytest

from app import create_app
from app.search.postgres import PostgresBackend
from app.search.whoosh import WhooshBackend


def test_the_backend_suits_the_database_unless_the_settings_say(app, postgres_url):
    expected = PostgresBackend if postgres_url else WhooshBackend
    assert isinstance(app.extensions["search"], expected)


def test_whoosh_can_serve_a_postgresql_database_too(app_config, instance_path):
    app_config["SEARCH_BACKEND"] = "whoosh"
    assert isinstance(create_app(app_config).extensions["search"], WhooshBackend)


def test_postgres_search_refuses_to_start_on_sqlite(instance_path, monkeypatch):
    monkeypatch.setenv("ENTRAIDE_SEARCH_BACKEND", "postgres")
    with pytest.raises(ValueError, match="SEARCH_BACKEND is postgres, but the database is sqlite"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path}/forum.sqlite3"})


def test_an_unknown_backend_refuses_to_start(instance_path):
    with pytest.raises(ValueError, match="choose one of whoosh, postgres"):
        create_app({"SEARCH_BACKEND": "elastic"})


@pytest.mark.parametrize("value", ["lots", "0", "1.5"])
def test_a_rebuild_memory_that_is_no_number_of_megabytes_refuses_to_start(instance_path, monkeypatch, value):
    monkeypatch.setenv("ENTRAIDE_SEARCH_REBUILD_MEMORY_MB", value)
    with pytest.raises(ValueError, match="SEARCH_REBUILD_MEMORY_MB must be a whole number of megabytes"):
        create_app({})
