from flask import current_app, has_request_context, request
from flask_login import current_user


def select_locale() -> str:
    """The member's chosen language, else the browser's, else French."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command-line tasks speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
