"""Entraide: a threaded discussion forum where members answer each other."""

import os
from pathlib import Path

from flask import Flask

from app.config import load_config
from app.extensions import babel, compress, csrf, db, limiter, login_manager, mailman, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = Path(os.environ.get("ENTRAIDE_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance_path.resolve()),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    instance_path.mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)

    from app import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from app.database import configure_engine
    from app.i18n import select_locale
    from app.search import backends as search_backends
    from app.search import outbox as search_outbox

    search_backends.init_app(app)
    # Registered before the database so that its teardown runs after the request's session is gone.
    search_outbox.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    compress.init_app(app)
    mailman.init_app(app)
    with app.app_context():
        configure_engine(db.engine)

    from app import cli, forms, page_cache, public_origin, visits, web
    from app.accounts.views import bp as accounts_bp
    from app.admin.views import bp as admin_bp
    from app.forum.views import bp as forum_bp
    from app.ideas.views import bp as ideas_bp
    from app.insights.views import bp as insights_bp
    from app.mail import outbox as mail_outbox
    from app.moderation.views import bp as moderation_bp
    from app.notifications.views import bp as notifications_bp
    from app.privacy.views import bp as privacy_bp
    from app.reputation.views import bp as reputation_bp
    from app.search.views import bp as search_bp
    from app.seo.views import bp as seo_bp

    public_origin.init_app(app)
    web.init_app(app)
    forms.init_app(app)
    visits.init_app(app)
    mail_outbox.init_app(app)
    cli.init_app(app)
    for blueprint in (
        accounts_bp,
        forum_bp,
        reputation_bp,
        ideas_bp,
        moderation_bp,
        insights_bp,
        notifications_bp,
        privacy_bp,
        admin_bp,
        search_bp,
        seo_bp,
    ):
        app.register_blueprint(blueprint)
    # After the blueprints: its hooks see the routes, and it keeps a page before anything else changes it.
    page_cache.init_app(app)
    return app
