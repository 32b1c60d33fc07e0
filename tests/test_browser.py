"""A newcomer's first visit, in Debian's Chromium driven by Playwright against a real server."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app import create_app
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category
from app.reputation import services as reputation
from app.search import outbox
from tests.helpers import PASSWORD, make_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture
def server_app(live_server, monkeypatch):
    """The application over the live server's database, to set the scene directly."""
    monkeypatch.setenv("ENTRAIDE_INSTANCE_PATH", str(live_server.instance))
    app = create_app()
    with app.app_context():
        db.session.add(Category(name="Dépannage", slug="depannage", description="Quand rien ne marche."))
        db.session.commit()
    return app


@pytest.fixture
def page(live_server, server_app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(base_url=live_server.url, locale="fr-FR")
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.problems = problems
        yield page
        browser.close()


def test_newcomer_registers_asks_replies_edits_and_deletes(page):
    page.goto("/register")
    page.fill("#username", "Nouvelle_venue")
    page.fill("#email", "nouvelle@example.org")
    page.fill("#password", "un mot de passe solide")
    page.fill("#confirm", "un mot de passe solide")
    page.click("form.form button[type=submit]")
    assert page.locator(".account-nav").inner_text().count("Nouvelle_venue") == 1

    page.click("text=Dépannage")
    page.click("a.button[href='/c/depannage/new']")
    page.fill("#title", "Mon thermostat affiche Err 4")
    page.fill("#body", "Depuis ce matin il **clignote**.\n\n- redémarré\n- rien changé")
    page.click("form.form button[type=submit]")
    assert re.search(r"/t/\d+/mon-thermostat-affiche-err-4$", page.url)
    assert page.locator("h1").inner_text().startswith("Mon thermostat affiche Err 4")
    assert page.locator(".post__body strong").inner_text() == "clignote"

    page.fill("#body", "Je précise : modèle **V2**, firmware à jour.")
    page.click("#reply button[type=submit]")
    assert re.search(r"#p\d+$", page.url)
    reply_id = page.url.rsplit("#", 1)[1]
    reply = page.locator(f"#{reply_id}")
    assert "modèle V2" in reply.inner_text()

    reply.locator("a[href$='/edit']").click()
    page.fill("#body", "Je précise : modèle **V3**, firmware à jour.")
    page.click("form.form button[type=submit]")
    reply = page.locator(f"#{reply_id}")
    assert "modèle V3" in reply.inner_text()
    assert reply.locator(".post__edited").count() == 1

    reply.locator("form[action$='/delete'] button").click()
    reply = page.locator(f"#{reply_id}")
    assert "modèle V3" not in reply.inner_text()
    assert reply.locator(".tombstone").count() == 1
    assert page.problems == []


def log_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#login", username)
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")


def test_member_marks_a_reply_helpful_without_reloading_and_the_asker_accepts_it(page, server_app):
    with server_app.app_context():
        asker, helper = make_user("Demandeuse"), make_user("Aidant")
        make_user("Lecteur")
        thread = forum.start_thread(asker, db.session.get(Category, 1), "Wi-Fi instable", "Ça coupe.")
        answer = forum.reply(helper, thread, "Changez de canal Wi-Fi.")
        db.session.commit()
        url, answer_id = f"/t/{thread.id}/{thread.slug}", answer.id

    log_in(page, "Lecteur")
    page.goto(url)
    page.evaluate("window.notReloaded = true")
    button = page.locator(f"#p{answer_id} .helpful-button")
    count = button.locator(".helpful-count")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True  # the script answered, not a new page
    button.click()
    expect(count).to_have_text("0")
    button.click()
    expect(count).to_have_text("1")

    page.goto("/u/Aidant")
    assert page.locator(".reputation").inner_text() == "10"

    page.context.clear_cookies()
    log_in(page, "Demandeuse")
    page.goto(url)
    page.click(f"#p{answer_id} form[action$='/solution'] button")
    assert page.locator(".accepted-solution").count() == 1
    page.goto("/u/Aidant")
    assert page.locator(".reputation").inner_text() == "25"
    assert page.locator(".rank").first.inner_text() in ("Nouveau venu", "Newcomer")
    assert page.problems == []


def test_typing_a_title_lists_similar_threads_solved_first_and_posts_without_asking_again(page, server_app):
    with server_app.app_context():
        asker, helper = make_user("Demandeuse"), make_user("Aidant")
        make_user("Curieuse")
        depannage = db.session.get(Category, 1)
        forum.start_thread(asker, depannage, "Ma box redémarre toute seule", "Depuis hier.")
        solved = forum.start_thread(helper, depannage, "Redémarrage de la box chaque nuit", "Vers 3 h.")
        reputation.toggle_solution(helper, forum.reply(asker, solved, "Désactivez la mise à jour nocturne."))
        db.session.commit()
        outbox.apply_pending(everything=True)
        solved_url = f"/t/{solved.id}/{solved.slug}"

    log_in(page, "Curieuse")
    page.goto("/c/depannage/new")
    listed = page.locator("#similar-threads li")
    expect(listed).to_have_count(0)
    page.locator("#title").press_sequentially("La box redémarre", delay=30)
    expect(listed).to_have_count(2)
    expect(listed.first.locator("a")).to_have_attribute("href", solved_url)
    expect(listed.first.locator(".tag--solved")).to_have_count(1)
    expect(listed.nth(1).locator(".tag--solved")).to_have_count(0)
    expect(page.locator("input[name=confirmed]")).to_have_value("1")

    page.locator("#title").fill("xy")
    expect(page.locator("#similar-threads")).to_be_hidden()
    page.locator("#title").fill("La box redémarre sans arrêt")
    expect(listed).to_have_count(2)
    page.fill("#body", "Toutes les heures.")
    page.click("form.new-thread-form button[type=submit]")
    assert re.search(r"/t/\d+/la-box-redemarre-sans-arret$", page.url)  # posted at once: the list was seen
    assert page.problems == []
