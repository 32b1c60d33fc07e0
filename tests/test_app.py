"""The application as a whole: configuration, instance folder, headers, errors, CSRF and rate limits."""

import hashlib
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import url_for

from app import create_app
from app.admin.forms import CategoryForm
from app.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from app.extensions import db
from app.forms import commit_change, commit_form_change
from app.forum.models import Category
from app.web import render_domain_error
from tests.helpers import PASSWORD


def test_instance_folder_comes_from_the_environment(app, instance_path):
    assert app.instance_path == str(instance_path.resolve())
    assert instance_path.is_dir()


def test_sqlite_database_lives_in_the_instance_folder_by_default(instance_path, monkeypatch):
    monkeypatch.delenv("ENTRAIDE_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance_path.resolve()}/entraide.sqlite3"


def test_settings_come_from_prefixed_environment_variables(instance_path, monkeypatch):
    monkeypatch.setenv("ENTRAIDE_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("ENTRAIDE_THREADS_PER_PAGE", "7")
    monkeypatch.setenv("ENTRAIDE_SITE_NAME", "Communauté Voltéa")
    app = create_app()
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["THREADS_PER_PAGE"] == 7
    assert app.config["SITE_NAME"] == "Communauté Voltéa"


def test_instance_config_file_overrides_defaults(instance_path):
    instance_path.mkdir(parents=True)
    (instance_path / "config.py").write_text('SITE_NAME = "Le forum du quartier"\n')
    assert create_app().config["SITE_NAME"] == "Le forum du quartier"


def test_secret_key_is_generated_once_into_the_instance_folder(instance_path):
    first = create_app().config["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    assert key_file.read_text().strip() == first and len(first) >= 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app().config["SECRET_KEY"] == first


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_urls_name_their_content(app, client):
    stylesheet = Path(app.static_folder) / "css" / "entraide.css"
    version = hashlib.sha256(stylesheet.read_bytes()).hexdigest()[:12]
    assert f'href="/static/css/entraide.css?v={version}"' in client.get("/").get_data(as_text=True)
    assert client.get(f"/static/css/entraide.css?v={version}").status_code == 200
    with app.test_request_context():
        assert url_for("static", filename="missing.css") == "/static/missing.css"


def test_pages_load_nothing_from_other_hosts(client, thread):
    for url in ("/", "/c/depannage", f"/t/{thread.id}/{thread.slug}", "/login", "/register"):
        page = client.get(url).get_data(as_text=True)
        assert 'src="http' not in page and 'href="http' not in page.replace('href="http://localhost', ""), url
        assert "<script>" not in page  # no inline script anywhere


def test_html_lang_follows_the_browser_and_defaults_to_french(french_client):
    assert '<html lang="fr">' in french_client.get("/").get_data(as_text=True)
    english = french_client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in english


def test_error_pages_are_pages_and_json_clients_get_json(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)
    response = client.get("/nulle-part", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"]


# Carrying out a change


def add_category(slug: str) -> Category:
    category = Category(name=slug.title(), slug=slug, position=2)
    db.session.add(category)
    db.session.flush()
    return category


def refused_after_adding(error: DomainError):
    def change():
        add_category("achats")
        raise error

    return change


def category_slugs() -> list[str]:
    return list(db.session.scalars(sa.select(Category.slug)))


def test_a_change_is_committed_and_what_the_service_returned_handed_back(app):
    category = commit_change(lambda: add_category("achats"))
    db.session.rollback()
    assert category.slug == "achats" and category_slugs() == ["achats"]


@pytest.mark.parametrize("error", [InvalidInput("Non."), PermissionDenied("Non."), NotFound("Non.")])
def test_a_refused_change_is_rolled_back_before_the_refusal_reaches_the_view(app, error):
    with pytest.raises(type(error)):
        commit_change(refused_after_adding(error))
    assert not db.session.new and category_slugs() == []


def test_a_value_committed_first_by_another_request_is_the_views_refusal(app, category):
    with pytest.raises(sa.exc.IntegrityError):
        commit_change(lambda: add_category("depannage"))
    with pytest.raises(InvalidInput, match="taken meanwhile"):
        commit_change(lambda: add_category("depannage"), race=lambda: InvalidInput("taken meanwhile"))
    assert not db.session.new and category_slugs() == ["depannage"]


def test_a_form_shows_an_input_refusal_beside_its_field(app):
    with app.test_request_context(method="POST", data={"slug": "achats"}):
        form = CategoryForm()
        saved = commit_form_change(form, refused_after_adding(InvalidInput("Slug pris.", "slug")))
        assert saved == (False, None) and form.slug.errors == ["Slug pris."]
        assert not db.session.new and category_slugs() == []


def test_a_form_leaves_other_refusals_to_the_error_page(app):
    with app.test_request_context(method="POST"):
        with pytest.raises(PermissionDenied):
            commit_form_change(CategoryForm(), refused_after_adding(PermissionDenied("Non.")))
        assert not db.session.new and category_slugs() == []


def test_the_error_page_reads_the_database_without_a_refused_change(app):
    with app.test_request_context():
        add_category("achats")
        response = render_domain_error(PermissionDenied("Non."))
        assert response.status_code == 403 and "Non." in response.get_data(as_text=True)
        assert not db.session.new and category_slugs() == []


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_oversized_requests_are_413(client, auth, member, category):
    auth.login(member)
    response = client.post("/c/depannage/new", data={"title": "t", "body": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413


@pytest.fixture
def csrf_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_state_changes_without_csrf_token_are_refused(csrf_config, client, auth, member, category):
    auth.login(member)
    response = client.post("/c/depannage/new", data={"title": "Sans jeton", "body": "texte"})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert client.post("/logout").status_code == 400


def test_forms_carry_a_csrf_token_that_is_accepted(csrf_config, client, member, category):
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"login": "Camille", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


@pytest.fixture
def rate_limited_config(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute", RATELIMIT_POSTING="2 per minute")
    return app_config


def test_login_attempts_are_rate_limited(rate_limited_config, client, member):
    answers = [client.post("/login", data={"login": "Camille", "password": "faux"}).status_code for _ in range(4)]
    assert answers == [400, 400, 400, 429]
    assert "Too many attempts" in client.post("/login", data={"login": "x", "password": "y"}).get_data(as_text=True)


def test_failed_logins_from_many_addresses_are_limited_per_account(rate_limited_config, app, client, member):
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "3 per minute"
    answers = []
    for number, login in enumerate(["Camille", "camille", "CAMILLE", "camille@example.org"]):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number + 1}"  # each try from an address of its own
        answers.append(client.post("/login", data={"login": login, "password": "faux"}).status_code)
    assert answers == [400, 400, 400, 429]
    client.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert client.post("/login", data={"login": "Dominique", "password": "faux"}).status_code == 400


def test_a_member_logging_in_again_and_again_uses_none_of_the_account_limit(rate_limited_config, app, client, member):
    app.config.update(RATELIMIT_LOGIN="100 per minute", RATELIMIT_LOGIN_ACCOUNT="2 per minute")
    for _ in range(4):
        assert client.post("/login", data={"login": "Camille", "password": PASSWORD}).status_code == 302
        client.post("/logout")


def test_posting_is_rate_limited_per_member(rate_limited_config, client, auth, member, thread, other_member):
    auth.login(other_member)
    answers = [client.post(f"/t/{thread.id}/reply", data={"body": f"n°{n}"}).status_code for n in range(3)]
    assert answers == [302, 302, 429]
    auth.login(member)  # another member keeps their own allowance
    assert client.post(f"/t/{thread.id}/reply", data={"body": "moi aussi"}).status_code == 302
