"""A member's data: the privacy page says what is kept, the export gives all of it back, and an
erasure leaves neither name nor address anywhere while other members' threads, counts and
reputation stay as they were."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.accounts import services as accounts
from app.accounts.models import ADMIN, MODERATOR, User
from app.accounts.usernames import lookalike_key
from app.errors import InvalidInput
from app.extensions import db
from app.forms import commit_change
from app.forum import counters
from app.forum import services as forum
from app.forum.models import Post, PostRevision
from app.mail.models import OutgoingMail
from app.moderation import services as moderation
from app.moderation.models import ModerationAction
from app.notifications import services as notifications
from app.notifications.models import EmailPreference, Notification, Subscription
from app.privacy import erasure
from app.reputation import services as reputation
from app.search import outbox as search_outbox
from tests.helpers import (
    PASSWORD,
    Auth,
    counting_statements,
    make_user,
    new_thread,
    opening_of,
    url_of,
    while_another_waits,
    write_reply,
)

OLD_NAME, OLD_EMAIL = "Camille", "camille@example.org"


def mail(user: User, subject: str, text: str) -> OutgoingMail:
    row = OutgoingMail(
        user_id=user.id, to_address=user.email, subject=subject, text_body=text, html_body=f"<p>{text}</p>"
    )
    db.session.add(row)
    return row


@pytest.fixture
def community(answered, member, other_member, moderator, category):
    """Camille's thread answered by Bastien (marked helpful by her) and Chloe; a thread of Bastien's
    that Camille answered, edited, and saw marked helpful and accepted; a thread of hers nobody
    answered; her reply in a thread locked since; a flag she filed; her settings and mail."""
    first, second = answered
    asked = new_thread(other_member, category, "Le wifi décroche le soir")
    answer = write_reply(member, asked, "Changez de canal wifi.")
    forum.edit_post(member, answer, "Changez de canal wifi : le 11 est souvent libre.")
    reputation.toggle_helpful(other_member, answer)
    reputation.toggle_solution(other_member, answer)
    moderation.flag_post(member, second, "off_topic", "")
    alone = new_thread(member, category, "Une question restée seule")
    locked = new_thread(other_member, category, "Sujet verrouillé depuis")
    in_locked = write_reply(member, locked, "Ma réponse avant le verrou.")
    moderation.set_locked(moderator, locked, True, "Clos par la modération")
    notifications.mute(member, locked)
    db.session.add(EmailPreference(user_id=member.id, kind="reply", delivery="digest"))
    mail(member, "Bienvenue", "Votre compte est prêt.")
    mail(other_member, "Camille vous a répondu", "Camille a répondu à votre sujet.")
    db.session.commit()
    return SimpleNamespace(
        thread=first.thread,
        first=first,
        second=second,
        asked=asked,
        answer=answer,
        alone=alone,
        locked=locked,
        in_locked=in_locked,
    )


def erase(client, auth, user: User, delete_posts: bool = False, password: str = PASSWORD):
    auth.login(user)
    data = {"password": password} | ({"delete_posts": "y"} if delete_posts else {})
    return client.post("/account/delete", data=data)


def reputations() -> dict[int, int]:
    return dict(db.session.execute(sa.select(User.id, User.reputation)).all())


def traces_of(*needles: str) -> list[str]:
    """Every column of every row of every table that holds one of `needles`, ignoring case."""
    needles = [needle.lower() for needle in needles]
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            for column, value in row._mapping.items():
                if value is not None and any(needle in str(value).lower() for needle in needles):
                    found.append(f"{table.name}.{column}: {value!r}")
    return found


# The privacy page


def test_the_privacy_page_speaks_french_by_default(french_client):
    response = french_client.get("/privacy")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.get_data(as_text=True)


def test_the_privacy_page_says_what_is_kept_why_and_for_how_long(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert '<html lang="en">' in page
    for kept in (
        "Your account",
        "Your messages and their earlier versions",
        "Helpful marks",
        "Reputation ledger and badges",
        "Flags",
        "Notifications",
        "Email preferences",
        "Deleted 7 days after it was sent.",
        "Rate-limit counters",
        "Server logs",
        "secret key",
        "Downloading your data",
        "Erasing your account",
    ):
        assert kept in page, kept


@pytest.mark.parametrize("browser", ["client", "french_client"])
def test_every_page_links_to_the_privacy_page_in_its_footer(request, thread, browser):
    browser = request.getfixturevalue(browser)
    for url in ("/", url_of(thread), "/login", "/privacy", "/moderation/log"):
        page = browser.get(url).get_data(as_text=True)
        footer = page[page.index('<footer class="site-footer">') :]
        assert 'href="/privacy"' in footer, url


def test_the_account_page_offers_the_export_and_the_erasure(client, auth, member):
    auth.login(member)
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/export"' in page
    assert 'action="/account/delete"' in page
    assert 'name="password"' in page and 'type="checkbox"' in page and 'name="delete_posts"' in page


# Export


def test_the_export_needs_a_logged_in_member(client):
    response = client.get("/account/export")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_export_is_a_json_download_that_no_cache_keeps(client, auth, member):
    auth.login(member)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="entraide-Camille.json"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["profile"]["email"] == OLD_EMAIL


def test_the_export_of_a_name_beyond_ascii_names_its_file_both_ways(client, auth):
    auth.login(make_user("Élise"))
    disposition = client.get("/account/export").headers["Content-Disposition"]
    assert disposition == "attachment; filename=\"entraide-Elise.json\"; filename*=UTF-8''entraide-%C3%89lise.json"


def test_the_export_holds_everything_about_the_member(client, auth, member, community):
    auth.login(member)
    data = client.get("/account/export").get_json()
    profile = data["profile"]
    expected = {"username": OLD_NAME, "email": OLD_EMAIL, "role": "member", "reputation": 25}
    assert {key: profile[key] for key in expected} == expected
    assert profile["created_at"].endswith("Z") and profile["email_confirmed_at"].endswith("Z")
    posts = {post["id"]: post for post in data["posts"]}
    assert set(posts) == {
        opening_of(community.thread).id,
        community.answer.id,
        opening_of(community.alone).id,
        community.in_locked.id,
    }
    answer = posts[community.answer.id]
    assert answer["thread_title"] == "Le wifi décroche le soir"
    assert answer["body_source"] == "Changez de canal wifi : le 11 est souvent libre."
    assert [revision["body_source"] for revision in answer["revisions"]] == ["Changez de canal wifi."]
    assert answer["edited_at"] and answer["deleted_at"] is None and answer["hidden_at"] is None
    assert [mark["post_id"] for mark in data["helpful_marks_given"]] == [community.first.id]
    assert [mark["post_id"] for mark in data["helpful_marks_received"]] == [community.answer.id]
    assert sorted((line["reason"], line["delta"]) for line in data["reputation_ledger"]) == [
        ("helpful", 10),
        ("solution", 15),
    ]
    assert {badge["key"] for badge in data["badges"]} == {"first-helpful", "first-solution"}
    assert [(flag["post_id"], flag["reason"]) for flag in data["flags_filed"]] == [(community.second.id, "off_topic")]
    assert {(item["kind"], item["actor"]) for item in data["notifications"]} >= {
        ("reply", "Bastien"),
        ("reply", "Chloe"),
    }
    assert data["email_preferences"] == [{"kind": "reply", "delivery": "digest"}]
    assert {(item["thread_id"], item["level"]) for item in data["subscriptions"]} >= {(community.locked.id, "muted")}
    assert "Bienvenue" in [item["subject"] for item in data["mail"]]


def test_the_export_names_no_other_members_address(client, auth, member, community):
    auth.login(member)
    text = client.get("/account/export").get_data(as_text=True)
    assert OLD_EMAIL in text
    for other in db.session.scalars(sa.select(User).where(User.id != member.id)):
        assert other.email not in text


def test_the_export_reads_a_fixed_number_of_statements_however_much_there_is(client, auth, member, community):
    auth.login(member)
    client.get("/account/export")
    with counting_statements() as statements:
        client.get("/account/export")
    before = len(statements)
    for number in range(5):
        post = write_reply(member, community.asked, f"Encore une idée, la numéro {number}.")
        forum.edit_post(member, post, f"Encore une idée corrigée, la numéro {number}.")
    db.session.commit()
    with counting_statements() as statements:
        client.get("/account/export")
    assert len(statements) == before


# Erasure: what it asks


@pytest.mark.parametrize(
    "form, message",
    [
        ({"password": "pas le bon"}, "The current password is wrong."),
        ({"password": ""}, "Enter your password to erase your account."),
        ({}, "Enter your password to erase your account."),
    ],
    ids=["wrong", "empty", "missing"],
)
def test_without_the_right_password_nothing_is_erased(client, auth, member, community, form, message):
    auth.login(member)
    response = client.post("/account/delete", data=form | {"delete_posts": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'action="/account/delete"' in page
    db.session.expire_all()
    assert member.username == OLD_NAME and member.email == OLD_EMAIL and not member.is_erased
    assert not community.answer.is_deleted
    assert client.get("/account").status_code == 200


def test_an_erasure_needs_the_forms_token(app, client, auth, member):
    app.config["WTF_CSRF_ENABLED"] = True
    assert erase(client, auth, member).status_code == 400
    db.session.expire_all()
    assert not member.is_erased


def test_the_last_administrator_cannot_erase_their_account(client, auth, admin):
    response = erase(client, auth, admin)
    assert response.status_code == 400
    assert "This is the last administrator account" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.username == "Admin" and not admin.is_erased


def test_an_erased_administrator_does_not_count_as_the_other_one(client, auth, admin):
    other = make_user("Admin2", role=ADMIN)
    assert erase(client, auth, other).status_code == 302
    assert erase(client, auth, admin).status_code == 400


@pytest.mark.parametrize("role", [MODERATOR, ADMIN])
def test_staff_may_erase_their_own_account(client, auth, admin, role):
    staff = make_user("Equipe", role=role)
    assert erase(client, auth, staff).status_code == 302
    db.session.expire_all()
    assert staff.is_erased


# Erasure: what it does


@pytest.mark.parametrize("delete_posts", [False, True], ids=["posts kept", "posts deleted"])
def test_erasure_leaves_no_trace_of_the_email_or_username(client, auth, member, community, delete_posts):
    assert traces_of(OLD_NAME, OLD_EMAIL)  # the scan finds them while the account lives
    response = erase(client, auth, member, delete_posts)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert traces_of(OLD_NAME, OLD_EMAIL) == []


def test_erasure_forgets_the_stored_insights_that_name_them(client, auth, runner, member, community):
    assert runner.invoke(args=["insights", "compute"]).exit_code == 0
    assert [trace for trace in traces_of(OLD_NAME) if trace.startswith("insights_snapshots.")]
    erase(client, auth, member)
    assert traces_of(OLD_NAME, OLD_EMAIL) == []


def test_erasure_logs_out_and_nobody_can_log_in_again(client, auth, member):
    response = erase(client, auth, member)
    assert "Your account has been erased." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert client.post("/login", data={"login": OLD_EMAIL, "password": PASSWORD}).status_code == 400
    db.session.expire_all()
    for login in (OLD_NAME, OLD_EMAIL, member.username, member.email):
        for password in (PASSWORD, ""):
            assert accounts.authenticate(login, password) is None
    assert member.username == f"deleted member {member.id}" and member.email == f"erased-{member.id}@invalid"
    assert member.password_hash == "" and member.locale is None and member.last_seen_at is None
    assert member.email_confirmed_at is None and member.erased_at is not None


def test_other_sessions_of_an_erased_account_end_at_their_next_request(app, client, auth, member):
    elsewhere = app.test_client()
    Auth(elsewhere).login(member)
    assert elsewhere.get("/account").status_code == 200
    erase(client, auth, member)
    assert elsewhere.get("/account").status_code == 302


def test_a_suspended_member_may_erase_their_account_and_posts(client, auth, runner, member, moderator, thread):
    reply = write_reply(member, thread, "Une réponse écrite avant la suspension.")
    moderation.suspend(moderator, member, 3, "Insultes répétées")
    db.session.commit()
    assert erase(client, auth, member, delete_posts=True).status_code == 302
    db.session.expire_all()
    assert reply.is_deleted and member.suspended_until is None and member.suspension_reason is None
    assert runner.invoke(args=["forum", "verify"]).exit_code == 0


def test_the_erased_name_is_one_nobody_can_register(app, member):
    with pytest.raises(InvalidInput):
        accounts.create_user(erasure.erased_name(member.id), "quelquun@example.org", PASSWORD)
    # Nor can a look-alike registrable name share its key: keys of valid names have no space.
    assert " " in lookalike_key(erasure.erased_name(member.id))


def test_erased_accounts_never_collide(client, auth, member, other_member):
    erase(client, auth, member)
    erase(client, auth, other_member)
    db.session.expire_all()
    assert member.username_key != other_member.username_key and member.email != other_member.email


def test_threads_they_took_part_in_still_render_under_the_placeholder_name(client, auth, member, community):
    erase(client, auth, member)
    auth.logout()
    for thread in (community.thread, community.asked, community.alone, community.locked):
        page = client.get(url_of(thread)).get_data(as_text=True)
        assert f"deleted member {member.id}" in page and OLD_NAME not in page
    assert "Changez de canal wifi : le 11" in client.get(url_of(community.asked)).get_data(as_text=True)


@pytest.mark.parametrize("delete_posts", [False, True], ids=["posts kept", "posts deleted"])
def test_other_members_reputation_does_not_change(client, auth, member, community, delete_posts):
    before = reputations()
    erase(client, auth, member, delete_posts)
    db.session.expire_all()
    after = reputations()
    del before[member.id], after[member.id]
    assert after == before


def test_deleting_their_posts_leaves_tombstones_and_removes_their_words(client, auth, member, community):
    erase(client, auth, member, delete_posts=True)
    db.session.expire_all()
    theirs = db.session.scalars(sa.select(Post).where(Post.author_id == member.id)).all()
    assert theirs and all(post.is_deleted and post.body_source == "" and post.body_html == "" for post in theirs)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 0
    assert community.asked.solution_post_id is None
    assert member.reputation == 0 and member.post_count == 0
    # Her thread stays with its title and the replies of others; the one nobody answered goes.
    page = client.get(url_of(community.thread)).get_data(as_text=True)
    assert "Ma box redémarre sans cesse" in page and "This message was deleted by its author." in page
    assert "dix secondes" in page and "Changez le câble" in page
    assert community.alone.deleted_at is not None
    assert client.get(url_of(community.alone)).status_code == 404
    # Replies in a thread locked since are withdrawn too, where she could no longer delete them herself.
    assert community.in_locked.is_deleted


@pytest.mark.parametrize("checked", ["y", "on", "true"])
def test_a_checked_box_deletes_the_posts(client, auth, member, community, checked):
    auth.login(member)
    client.post("/account/delete", data={"password": PASSWORD, "delete_posts": checked})
    db.session.expire_all()
    assert community.answer.is_deleted


def test_without_deleting_posts_their_messages_stay(client, auth, member, community):
    erase(client, auth, member)
    db.session.expire_all()
    assert not community.answer.is_deleted and community.answer.body_source.startswith("Changez de canal")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 1
    assert community.asked.solution_post_id == community.answer.id and member.reputation == 25


def test_posts_they_had_deleted_lose_their_text_either_way(client, auth, member, community):
    forum.delete_post(member, community.answer)
    db.session.commit()
    erase(client, auth, member)
    db.session.expire_all()
    assert community.answer.body_source == "" and community.answer.body_html == ""
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 0


def test_what_existed_only_for_them_goes_and_others_keep_their_notifications(
    client, auth, member, other_member, community
):
    def notifications_of_others(*conditions) -> int:
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id != member.id, *conditions)
        )

    others_before, told_of_her = notifications_of_others(), notifications_of_others(Notification.actor_id == member.id)
    assert told_of_her
    erase(client, auth, member)
    for model in (Notification, Subscription, EmailPreference, OutgoingMail):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.user_id == member.id)) == 0
    assert notifications_of_others() == others_before
    assert notifications_of_others(Notification.actor_id == member.id) == 0


def test_other_members_mail_goes_when_it_names_them_and_stays_otherwise(client, auth, member, other_member):
    naming = [
        mail(other_member, "Nouvelle réponse", "camille a répondu à votre sujet."),
        mail(other_member, "Un merci", "Votre réponse a aidé Camille."),
    ]
    not_naming = [
        mail(other_member, "Bilan annuel", "Camillette et Camilleri ont répondu."),
        mail(other_member, "Un homonyme", "camille.b et camille-b ont répondu."),
    ]
    db.session.commit()
    naming, not_naming = {row.id for row in naming}, {row.id for row in not_naming}
    erase(client, auth, member)
    remaining = set(db.session.scalars(sa.select(OutgoingMail.id)))
    assert not_naming <= remaining and not naming & remaining


def test_the_moderation_log_shows_the_erasure_without_personal_data(client, auth, member):
    erase(client, auth, member)
    entry = db.session.scalar(sa.select(ModerationAction).where(ModerationAction.action == "account_erased"))
    assert entry.actor_id is None and entry.user_id == member.id
    page = client.get("/moderation/log?action=account_erased").get_data(as_text=True)
    assert "erased an account at its member" in page and f"deleted member {member.id}" in page
    assert OLD_NAME not in page


@pytest.mark.parametrize("delete_posts", [False, True], ids=["posts kept", "posts deleted"])
def test_counters_reputation_and_search_agree_after_an_erasure(client, auth, runner, member, community, delete_posts):
    erase(client, auth, member, delete_posts)
    for command in (["forum", "verify"], ["reputation", "verify"], ["search", "check"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output


def test_the_search_forgets_the_old_name(client, auth, member, community):
    def titles_found(query: str) -> bool:
        return "Le wifi décroche le soir" in client.get("/search", query_string={"q": query}).get_data(as_text=True)

    # No search before the erasure: Whoosh's kept searcher would go on seeing entries rewritten since.
    search_outbox.apply_pending(everything=True)  # what the scene queued outside any request
    erase(client, auth, member)
    auth.logout()
    assert titles_found("canal")
    assert not titles_found("canal author:Camille")


def test_an_erasure_is_one_transaction(app, member, community, monkeypatch):
    def broken(user):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_anonymise", broken)
    with pytest.raises(RuntimeError):
        commit_change(lambda: erasure.erase_account(member, PASSWORD, delete_posts=True))
    db.session.rollback()
    db.session.expire_all()
    assert member.username == OLD_NAME and not community.answer.is_deleted and community.answer.body_source
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 1
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == member.id)
    )


def test_an_erasure_that_waited_for_a_deletion_leaves_the_deleted_post_as_it_is(app, row_locks, member, thread):
    """The member deletes a question nobody answered while their erasure, which has already listed
    their posts, waits: the thread goes once, and the category counts it gone once."""

    def erase_with_posts():
        user = db.session.get(User, member.id)
        return lambda: erasure.erase_account(user, PASSWORD, delete_posts=True)

    assert while_another_waits(app, lambda: forum.delete_post(member, opening_of(thread)), erase_with_posts) == []
    assert db.session.get(User, member.id).erased_at is not None
    assert counters.find_drift() == []


def test_visitors_never_get_a_kept_page_with_the_old_name(app, client, auth, member, community):
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = url_of(community.thread)
    assert OLD_NAME in visitor.get(url).get_data(as_text=True)
    with counting_statements() as statements:
        visitor.get(url)
    assert statements == []  # the page is kept
    erase(client, auth, member)
    page = visitor.get(url).get_data(as_text=True)
    assert OLD_NAME not in page and f"deleted member {member.id}" in page
