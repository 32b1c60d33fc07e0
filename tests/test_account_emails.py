"""Accounts by email: confirming an address at registration and when it changes, resetting a
forgotten password. Every message goes through a real SMTP server; every link is followed."""

import re
import time

import pytest
import sqlalchemy as sa

from app.accounts import tokens
from app.accounts.models import User
from app.extensions import db
from app.reputation import trust
from tests.helpers import PASSWORD, make_user
from tests.smtp import html_part, text_part

NEW_PASSWORD = "un tout nouveau secret"


def link_in(message) -> str:
    """The path of the one link of the site a message carries, checked to be the same in both parts."""
    text_links = re.findall(r"http://127\.0\.0\.1:5000(/\S+)", text_part(message))
    assert len(text_links) == 1, text_links
    assert f"http://127.0.0.1:5000{text_links[0]}" in html_part(message)
    return text_links[0]


def register(client, username="Élodie_R", email="elodie@example.org"):
    return client.post(
        "/register",
        data={"username": username, "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )


def account(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def signed_long_ago(monkeypatch, seconds: float, make_token) -> str:
    """A link made by `make_token` as if `seconds` ago."""
    real_time = time.time
    with monkeypatch.context() as patch:
        patch.setattr("itsdangerous.timed.time.time", lambda: real_time() - seconds)
        return make_token()


# Confirming the address at registration


def test_registration_mails_a_link_that_confirms_the_address(client, smtp_server):
    response = register(client)
    assert response.status_code == 302
    assert not account("Élodie_R").is_confirmed
    [message] = smtp_server.inbox.messages
    assert smtp_server.inbox.recipients == [["elodie@example.org"]]
    assert message["Subject"] == "Confirm your email address on Entraide"
    assert "Hello Élodie_R," in text_part(message)
    assert '<html lang="en">' in html_part(message)  # in the language the member registered in

    response = client.get(link_in(message))
    assert response.status_code == 302
    assert account("Élodie_R").is_confirmed
    assert "elodie@example.org is confirmed" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_unconfirmed_member_sees_a_banner_and_can_ask_for_the_link_again(client, auth, smtp_server):
    member = make_user("Nadia", confirmed=False)
    auth.login(member)
    page = client.get("/").get_data(as_text=True)
    assert "Confirm your address with the link we sent to nadia@example.org" in page
    response = client.post("/confirm/resend", data={"next": "/c/ailleurs"})
    assert response.headers["Location"] == "/c/ailleurs"
    [message] = smtp_server.inbox.to("nadia@example.org")
    client.get(link_in(message))
    assert "Confirm your address" not in client.get("/").get_data(as_text=True)


def test_an_unconfirmed_member_posts_at_the_slowest_pace(app):
    app.config["TRUST_MIN_REPUTATION"] = 0
    assert trust.posting_limit(make_user("Nadia", confirmed=False)) == app.config["RATELIMIT_POSTING_NEW_MEMBER"]
    assert trust.posting_limit(make_user("Sacha")) == app.config["RATELIMIT_POSTING"]


def test_a_confirmation_link_tampered_with_or_expired_is_refused(client, monkeypatch):
    member = make_user("Nadia", confirmed=False)
    token = tokens.address_token(member, member.email)
    response = client.get(f"/confirm/{token[:-2]}xy")
    assert response.status_code == 400
    assert "invalid, has expired, or was used already" in response.get_data(as_text=True)
    week_ago = (tokens.ADDRESS_LINK_DAYS + 1) * 24 * 3600
    expired = signed_long_ago(monkeypatch, week_ago, lambda: tokens.address_token(member, member.email))
    assert client.get(f"/confirm/{expired}").status_code == 400
    assert not account("Nadia").is_confirmed


# Registering without telling whether an address is in use (REGISTRATION_CONFIRM_FIRST)


@pytest.fixture
def confirm_first(app):
    app.config["REGISTRATION_CONFIRM_FIRST"] = True


def log_in(client, login: str):
    return client.post("/login", data={"login": login, "password": PASSWORD})


def registration_answer(app, username: str, email: str, password: str = PASSWORD) -> tuple:
    """What a visitor of their own sees of registering: the answer, and the page it leads to."""
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    answer = visitor.post(
        "/register", data={"username": username, "email": email, "password": password, "confirm": password}
    )
    shown = visitor.get(answer.headers["Location"]).text if answer.status_code == 302 else answer.text
    return answer.status_code, answer.headers.get("Location"), shown


def test_a_new_member_confirms_their_address_before_logging_in(client, smtp_server, confirm_first):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "open it to confirm your address, then log in" in client.get("/login").text
    assert client.get("/account").status_code == 302  # not logged in
    refused = log_in(client, "Élodie_R")
    assert refused.status_code == 400 and "If you have just joined, open the link we sent you first." in refused.text
    [message] = smtp_server.inbox.messages
    assert client.get(link_in(message)).status_code == 302
    assert account("Élodie_R").is_confirmed
    assert log_in(client, "Élodie_R").status_code == 302


def test_registering_with_an_address_in_use_answers_as_for_a_new_one_and_tells_its_owner(
    app, member, smtp_server, confirm_first
):
    status, location, page = registration_answer(app, "Nouvelle", "nouvelle@example.org")
    assert registration_answer(app, "Intrus", member.email) == (
        status,
        location,
        page.replace("nouvelle@example.org", member.email),
    )
    assert account("Intrus") is None and account("Nouvelle") is not None
    owners = [message for message in smtp_server.inbox.messages if message["To"] == member.email]
    [told] = owners
    assert told["Subject"] == "Someone tried to join Entraide with your address"
    assert "Your account Camille already uses it, so no other account was made." in text_part(told)
    for path in ("/login", "/password/reset"):
        assert f"http://127.0.0.1:5000{path}" in text_part(told) and f"http://127.0.0.1:5000{path}" in html_part(told)


def test_registering_with_an_address_in_use_checks_every_other_rule_first(app, member, smtp_server, confirm_first):
    weak = "court"
    status, _location, page = registration_answer(app, "Intrus", member.email, weak)
    assert status == 400 and "A password has" in page
    assert registration_answer(app, "Nouvelle", "nouvelle@example.org", weak)[0] == 400
    assert smtp_server.inbox.messages == []


def test_without_confirming_first_registering_logs_in_at_once(client, smtp_server):
    assert register(client).headers["Location"] == "/"
    assert client.get("/account").status_code == 200


# Changing the address


def test_a_new_address_takes_effect_only_once_confirmed_from_it(client, auth, member, smtp_server):
    auth.login(member)
    response = client.post("/account/email", data={"email": "Nouvelle@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert account("Camille").email == "camille@example.org"
    [message] = smtp_server.inbox.messages
    assert smtp_server.inbox.recipients == [["nouvelle@example.org"]]

    link = link_in(message)
    assert client.get(link).status_code == 302
    assert account("Camille").email == "nouvelle@example.org"
    assert client.get(link).status_code == 400  # used


def test_a_new_address_taken_meanwhile_is_refused_at_confirmation(client, auth, member, smtp_server):
    auth.login(member)
    client.post("/account/email", data={"email": "nouvelle@example.org", "password": PASSWORD})
    make_user("Nouvelle")  # nouvelle@example.org
    response = client.get(link_in(smtp_server.inbox.messages[0]))
    assert response.status_code == 400
    assert "already uses this email address" in response.get_data(as_text=True)
    assert account("Camille").email == "camille@example.org"


def test_changing_the_address_needs_the_password_and_a_free_address(client, auth, member, other_member, smtp_server):
    auth.login(member)
    assert client.post("/account/email", data={"email": "x@example.org", "password": "faux"}).status_code == 400
    taken = client.post("/account/email", data={"email": "bastien@example.org", "password": PASSWORD})
    assert taken.status_code == 400
    assert smtp_server.inbox.messages == []


# Resetting a forgotten password


def ask_for_reset(client, address: str):
    return client.post("/password/reset", data={"email": address})


def test_a_reset_request_answers_the_same_whether_or_not_the_address_is_known(client, member, smtp_server):
    known = ask_for_reset(client, "Camille@example.org")
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    unknown = ask_for_reset(client, "personne@example.org")
    unknown_page = client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert known_page == unknown_page
    assert "If an account uses this address" in known_page
    assert smtp_server.inbox.recipients == [["camille@example.org"]]


def test_a_reset_link_sets_a_new_password_once(client, member, smtp_server):
    ask_for_reset(client, "camille@example.org")
    [message] = smtp_server.inbox.messages
    assert message["Subject"] == "Choose a new password on Entraide"
    link = link_in(message)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Log out" in client.get("/").get_data(as_text=True)  # logged in with it

    client.post("/logout")
    assert client.post("/login", data={"login": "Camille", "password": NEW_PASSWORD}).status_code == 302
    again = client.post(link, data={"password": "encore un autre", "confirm": "encore un autre"})
    assert again.status_code == 400
    assert client.post("/login", data={"login": "Camille", "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_link_expires_after_an_hour(client, member, monkeypatch):
    token = signed_long_ago(monkeypatch, tokens.PASSWORD_LINK_SECONDS + 60, lambda: tokens.password_token(member))
    assert client.get(f"/password/reset/{token}").status_code == 400
    fresh = tokens.password_token(member)
    assert client.get(f"/password/reset/{fresh}").status_code == 200


@pytest.mark.parametrize("tamper", [lambda token: token[:-3] + "abc", lambda token: "x" + token, lambda token: "."])
def test_a_reset_link_tampered_with_is_refused(client, member, tamper):
    token = tamper(tokens.password_token(member))
    response = client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert client.post("/login", data={"login": "Camille", "password": PASSWORD}).status_code == 302


def test_a_reset_refuses_two_different_passwords(client, member):
    token = tokens.password_token(member)
    response = client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": "autre chose"})
    assert response.status_code == 400
    assert "The two passwords differ" in response.get_data(as_text=True)


def test_a_reset_confirms_an_unconfirmed_address(client):
    member = make_user("Nadia", confirmed=False)
    token = tokens.password_token(member)
    client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert account("Nadia").is_confirmed


def test_mail_is_in_the_members_language(client, smtp_server):
    make_user("Nadia", locale="fr")
    ask_for_reset(client, "nadia@example.org")
    [message] = smtp_server.inbox.messages
    assert message["Subject"] == "Choisissez un nouveau mot de passe sur Entraide"
    assert '<html lang="fr">' in html_part(message)
