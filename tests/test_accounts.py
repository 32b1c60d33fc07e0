import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from app.accounts import services
from app.accounts.models import User
from app.accounts.usernames import lookalike_key
from app.errors import InvalidInput
from app.extensions import db
from tests.helpers import PASSWORD


def register(client, username="Élodie_R", email="elodie@example.org", password="un bon mot de passe", confirm=None):
    return client.post(
        "/register",
        data={"username": username, "email": email, "password": password, "confirm": confirm or password},
    )


def user_named(name: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == name))


def test_registration_creates_a_member_and_logs_them_in(client):
    response = register(client)
    assert response.status_code == 302
    user = user_named("Élodie_R")
    assert user.role == "member" and user.email == "elodie@example.org"
    assert check_password_hash(user.password_hash, "un bon mot de passe")
    assert user.password_hash.startswith("scrypt:")
    assert b"\xc3\x89lodie_R" in client.get("/").data  # the header names the logged-in member


def test_username_is_nfkc_normalised(client):
    register(client, username="Ｃａｍｉｌｌｅ")  # full-width letters
    assert user_named("Camille") is not None


@pytest.mark.parametrize(
    "username, message",
    [
        ("ab", "3 to 30"),
        ("x" * 31, "3 to 30"),
        ("", "required"),
        ("avec espace", "letters and digits"),
        ("_tiret", "letters and digits"),
        ("<script>", "letters and digits"),
        ("pаul", "mix alphabets"),  # Cyrillic а among Latin letters
    ],
)
def test_bad_usernames_are_refused_with_a_reason(client, username, message):
    response = register(client, username=username)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.parametrize("taken", ["camille", "CAMILLE", "Сamille", "Ｃamille"])
def test_usernames_are_unique_regardless_of_case_and_lookalikes(client, member, taken):
    response = register(client, username=taken, email="autre@example.org")
    assert response.status_code == 400
    assert 'class="field__errors"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_lookalike_key_folds_case_and_confusables():
    assert lookalike_key("Paul") == lookalike_key("paul") == lookalike_key("раul") == lookalike_key("PAUL")
    assert lookalike_key("Paul") != lookalike_key("Paula")


def test_email_is_unique_and_case_insensitive(client, member):
    response = register(client, username="Quelquun", email="CAMILLE@example.org")
    assert response.status_code == 400
    assert "already uses this email" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "pas-une-adresse"}, 'id="email-errors"'),
        ({"password": "court"}, "8 to 200"),
        ({"password": "x" * 201}, "8 to 200"),
        ({"confirm": "autre chose encore"}, "passwords differ"),
    ],
)
def test_registration_form_errors(client, fields, message):
    response = register(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert user_named("Élodie_R") is None


def test_login_by_username_or_email(client, member):
    for login in ("Camille", "camille", "camille@example.org", "CAMILLE@EXAMPLE.ORG"):
        response = client.post("/login", data={"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert client.get("/account").status_code == 200
        client.post("/logout")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, member):
    for login in ("Camille", "personne"):
        response = client.post("/login", data={"login": login, "password": "mauvais mot de passe"})
        assert response.status_code == 400
        assert "Unknown username or email, or wrong password" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_remember_me_sets_a_lasting_cookie(client, member):
    client.post("/login", data={"login": "Camille", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_no_lasting_cookie(client, member):
    client.post("/login", data={"login": "Camille", "password": PASSWORD})
    assert client.get_cookie("remember_token") is None


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/c/depannage", "/c/depannage"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_redirects_only_to_this_site(client, member, target, expected):
    response = client.post(f"/login?next={target}", data={"login": "Camille", "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_logout_needs_a_post(client, auth, member):
    auth.login(member)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_change_password(client, auth, member):
    auth.login(member)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "nouveau secret", "confirm": "nouveau secret"},
    )
    assert response.status_code == 302
    assert services.authenticate("Camille", "nouveau secret") is not None


def test_change_password_needs_the_current_one(client, auth, member):
    auth.login(member)
    response = client.post(
        "/account/password",
        data={"current_password": "pas le bon", "new_password": "nouveau secret", "confirm": "nouveau secret"},
    )
    assert response.status_code == 400
    assert "current password is wrong" in response.get_data(as_text=True)
    assert services.authenticate("Camille", PASSWORD) is not None


def test_change_email_refuses_one_already_used(client, auth, member, other_member):
    auth.login(member)
    response = client.post("/account/email", data={"email": "bastien@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert db.session.get(User, member.id).email == "camille@example.org"


def test_language_setting_switches_the_interface(client, auth, member):
    auth.login(member)
    assert client.post("/account/language", data={"locale": "en"}).status_code == 302
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert client.post("/account/language", data={"locale": "xx"}).status_code == 400


def test_account_pages_need_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_profile_shows_join_date_post_count_and_recent_posts(client, thread, member):
    page = client.get("/u/Camille").get_data(as_text=True)
    assert 'class="reputation"' in page
    assert "Ma box redémarre sans cesse" in page
    assert "<time datetime=" in page


def test_profile_url_is_canonical(client, member):
    response = client.get("/u/camille")
    assert response.status_code == 301
    assert response.headers["Location"] == "/u/Camille"


def test_unknown_profile_is_404(client):
    assert client.get("/u/personne").status_code == 404


@pytest.mark.parametrize(
    "reader, reads",
    [
        (None, False),
        ("suspended_member", True),
        ("member", False),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_profile_shows_why_a_member_is_suspended_to_them_and_to_staff_only(
    request, client, auth, suspended_member, reader, reads
):
    if reader:
        auth.login(request.getfixturevalue(reader))
    page = client.get("/u/Suspendu").get_data(as_text=True)
    assert 'class="notice"' in page
    assert ("Insultes répétées" in page) is reads


def test_users_create_command_makes_staff_accounts(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Modératrice",
            "--email",
            "modo@example.org",
            "--password",
            "secret-modo",
            "--role",
            "moderator",
        ]
    )
    assert result.exit_code == 0, result.output
    assert user_named("Modératrice").role == "moderator"
    assert user_named("Modératrice").is_confirmed  # nobody is sent a link


def test_users_create_asks_for_the_password_out_of_sight_when_not_given(runner):
    typed = "un mot de passe tapé"
    result = runner.invoke(args=["users", "create", "Invitée", "--email", "i@example.org"], input=f"{typed}\n{typed}\n")
    assert result.exit_code == 0, result.output
    assert typed not in result.output and "Warning" not in result.stderr
    assert services.authenticate("Invitée", typed) is not None


def test_users_create_takes_the_password_from_the_environment(runner):
    result = runner.invoke(
        args=["users", "create", "Scriptée", "--email", "s@example.org"], env={"NEW_ACCOUNT_PASSWORD": PASSWORD}
    )
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    assert services.authenticate("Scriptée", PASSWORD) is not None


def test_users_create_warns_of_a_password_on_the_command_line(runner):
    result = runner.invoke(args=["users", "create", "Visible", "--email", "v@example.org", "--password", PASSWORD])
    assert result.exit_code == 0
    assert "process listings" in result.stderr and PASSWORD not in result.stderr
    assert services.authenticate("Visible", PASSWORD) is not None


def test_users_create_command_reports_refusals(runner, member):
    result = runner.invoke(args=["users", "create", "camille", "--email", "x@example.org", "--password", "secret-1234"])
    assert result.exit_code != 0
    assert "déjà pris" in result.output  # command-line tasks speak the default language


def test_services_refuse_duplicate_accounts_directly(app, member):
    with pytest.raises(InvalidInput):
        services.create_user("CAMILLE", "neuf@example.org", "mot de passe")
