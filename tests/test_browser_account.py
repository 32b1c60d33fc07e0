"""A new member's whole life with their account, in Debian's Chromium against a real server and a
real mail server, in French and in English: register, confirm the address, hear of a reply by
email and follow its link, reset the password, take the data out, leave."""

import json
import re
import time
from pathlib import Path

import pytest

from app.extensions import db
from app.forum.models import Category
from tests import live
from tests.helpers import PASSWORD, make_user
from tests.smtp import SMTPServer, text_part
from tests.test_browser import CHROMIUM, CHROMIUM_FLAGS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]

# What each language's messages say, as the member reads them.
WORDS = {
    "fr-FR": {
        "confirm_subject": "Confirmez votre adresse e-mail sur Entraide",
        "confirmed": "est confirmée",
        "reset_subject": "Choisissez un nouveau mot de passe sur Entraide",
        "deleted": "deleted member",  # stored as the contract names it, in every language
    },
    "en-US": {
        "confirm_subject": "Confirm your email address on Entraide",
        "confirmed": "is confirmed",
        "reset_subject": "Choose a new password on Entraide",
        "deleted": "deleted member",
    },
}
NEW_PASSWORD = "un tout nouveau secret"


@pytest.fixture
def smtp():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def served(tmp_path, monkeypatch, smtp, server_database_url):
    def fill():
        db.session.add(Category(name="Dépannage", slug="depannage", description="Quand rien ne marche."))
        make_user("Aidante")

    server, process, _ = live.start_filled(
        tmp_path / "instance",
        server_database_url,
        fill,
        monkeypatch=monkeypatch,
        RATELIMIT_ENABLED="false",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
    )
    yield server
    live.stop(process)


def next_message(smtp: SMTPServer, address: str, seen: int):
    """The next message to `address` after the `seen` first, waiting for it to be sent."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        messages = smtp.inbox.to(address)
        if len(messages) > seen:
            return messages[seen]
        time.sleep(0.1)
    raise AssertionError(f"no message {seen + 1} to {address}")


def path_of_link(message) -> str:
    """The path of the site's link in a message: without a PUBLIC_URL it leads to the development server."""
    return re.search(r"http://127\.0\.0\.1:5000(/\S+)", text_part(message)).group(1)


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_a_member_joins_hears_of_a_reply_by_email_resets_exports_and_leaves(served, smtp, locale):
    from playwright.sync_api import sync_playwright

    words, address = WORDS[locale], "nouvelle@example.org"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(base_url=served.url, locale=locale, accept_downloads=True)
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))

        page.goto("/register")
        page.fill("#username", "Nouvelle_venue")
        page.fill("#email", address)
        page.fill("#password", PASSWORD)
        page.fill("#confirm", PASSWORD)
        page.click("form.form button[type=submit]")
        assert page.locator(".confirm-banner").count() == 1

        confirmation = next_message(smtp, address, 0)
        assert confirmation["Subject"] == words["confirm_subject"]
        page.goto(path_of_link(confirmation))
        assert words["confirmed"] in page.locator(".flashes").inner_text()
        assert page.locator(".confirm-banner").count() == 0

        page.goto("/c/depannage/new")
        page.fill("#title", "Mon thermostat affiche Err 4")
        page.fill("#body", "Depuis ce matin il clignote.")
        page.click("form.form button[type=submit]")
        thread_path = page.url.removeprefix(served.url)

        helper = live.Browser(served.url)
        helper.log_in("Aidante", PASSWORD)
        token = helper.csrf_token(thread_path)
        reply = {"body": "Coupez-le au disjoncteur dix secondes.", "csrf_token": token}
        assert helper.request("POST", thread_path.rsplit("/", 1)[0] + "/reply", reply)[0] == 302

        told = next_message(smtp, address, 1)
        assert "Aidante" in told["Subject"]
        assert told["List-Unsubscribe"] and told["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        page.goto(path_of_link(told))
        assert "Coupez-le au disjoncteur" in page.content()

        page.context.clear_cookies()
        page.goto("/password/reset")
        page.fill("#email", address)
        page.click("form.form button[type=submit]")
        reset = next_message(smtp, address, 2)
        assert reset["Subject"] == words["reset_subject"]
        page.goto(path_of_link(reset))
        page.fill("#password", NEW_PASSWORD)
        page.fill("#confirm", NEW_PASSWORD)
        page.click("form.form button[type=submit]")
        assert "Nouvelle_venue" in page.locator(".account-nav").inner_text()

        page.goto("/account")
        with page.expect_download() as download:
            page.click("a[href='/account/export']")
        exported = json.loads(Path(download.value.path()).read_text())
        assert "Mon thermostat affiche Err 4" in json.dumps(exported, ensure_ascii=False)

        page.goto("/account")
        page.fill("form[action='/account/delete'] input[name=password]", NEW_PASSWORD)
        page.click("form[action='/account/delete'] button[type=submit]")
        page.goto(thread_path)
        assert words["deleted"] in page.content()
        assert "Nouvelle_venue" not in page.content()
        assert problems == []
        browser.close()
