"""Writing a message: in its recipient's language, as plain text and HTML, with links that work
from a mail client."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from app.public_origin import public_url


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def render(template: str, locale: str | None, **context) -> Message:
    """Render `templates/mail/<template>.txt` and `.html` in `locale`; the text template sets `subject`.

    A template's own top-level `{% set subject = … %}` carries the subject, so that it is translated
    beside the body it belongs to."""
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    context.update(link=external_url, mail_locale=locale)
    with force_locale(locale):
        text = current_app.jinja_env.get_template(f"mail/{template}.txt").make_module(
            current_app.jinja_env.globals | context
        )
        html = render_template(f"mail/{template}.html", subject=text.subject, **context)
        return Message(subject=" ".join(text.subject.split()), text=str(text).strip() + "\n", html=html)


def external_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """The full address of a page, on the forum's public URL.

    Never on the address a request came in by: a forged Host header would otherwise put the
    attacker's site in a password-reset message. Outside a request (`flask mail digest`), there is
    no other address anyway."""
    site = urlsplit(public_url())
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url
