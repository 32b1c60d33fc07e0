"""Notification emails: each member chooses, per kind, to hear of it at once, in the daily digest or
never; messages go through a real SMTP server, in the member's language, with links on PUBLIC_URL and
a one-click unsubscribe that mail clients can post without a session."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from app.clock import utcnow
from app.errors import InvalidInput
from app.extensions import db
from app.forum import services as forum
from app.mail import sending
from app.notifications import digest, email, services
from app.notifications.forms import EmailPreferencesForm
from app.notifications.models import DIGEST, IMMEDIATELY, NEVER, EmailPreference, Notification
from tests.helpers import counting_statements, make_user, write_reply
from tests.smtp import html_part, text_part

SITE = "http://forum.example.org"
DEFAULTS = {
    "reply": IMMEDIATELY,
    "reply_to": IMMEDIATELY,
    "mention": IMMEDIATELY,
    "helpful": DIGEST,
    "solution": DIGEST,
    "badge": DIGEST,
    "moderation": DIGEST,
    "ideas": IMMEDIATELY,
}


@pytest.fixture
def app_config(app_config):
    # Links are built on PUBLIC_URL, never on the host a request came in by (the test client's is localhost).
    return app_config | {"PUBLIC_URL": SITE}


def reply_through_the_site(client, auth, author, thread, body: str, reply_to=None) -> int:
    auth.login(author)
    data = {"body": body} | ({"reply_to": str(reply_to.id)} if reply_to else {})
    response = client.post(f"/t/{thread.id}/reply", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rpartition("#p")[2])


def choose(user, **deliveries) -> None:
    email.choose_deliveries(user, deliveries)
    db.session.commit()


def stored_choices(user) -> dict[str, str]:
    db.session.expire_all()
    return dict(
        db.session.execute(
            sa.select(EmailPreference.kind, EmailPreference.delivery).where(EmailPreference.user_id == user.id)
        ).all()
    )


def subject(message) -> str:
    # A subject with non-ASCII characters is folded before its first word: unfolded, a space leads.
    return message["Subject"].strip()


def unsubscribe_path(message) -> str:
    header = message["List-Unsubscribe"].strip()  # long: folded before its value
    assert header.startswith(f"<{SITE}/unsubscribe/") and header.endswith(">"), header
    return header[len(SITE) + 1 : -1]


def run_digest(runner) -> str:
    db.session.commit()
    result = runner.invoke(args=["mail", "digest"])
    assert result.exit_code == 0, result.output
    return result.output


# Mailed at once


def test_a_reply_in_a_watched_thread_mails_the_watcher_at_once(client, auth, smtp_server, thread, member, other_member):
    member.locale = "en"
    post_id = reply_through_the_site(client, auth, other_member, thread, "Débranchez-la **dix secondes**.")

    [message] = smtp_server.inbox.messages
    assert smtp_server.inbox.recipients == [["camille@example.org"]]
    assert subject(message) == "Bastien replied in “Ma box redémarre sans cesse”"
    text, html = text_part(message), html_part(message)
    assert "Hello Camille," in text
    assert "> Débranchez-la dix secondes." in text  # the post's plain text, quoted
    assert f"{SITE}/p/{post_id}" in text and f'href="{SITE}/p/{post_id}"' in html
    assert '<html lang="en">' in html
    assert f"{SITE}/account/notifications" in text and f"{SITE}/account/notifications" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert f"{SITE}{unsubscribe_path(message)}" in text
    db.session.expire_all()
    [notification] = db.session.scalars(sa.select(Notification).where(Notification.user_id == member.id)).all()
    assert notification.mailed_at is not None  # so that no digest tells it again


def test_a_member_reads_their_mail_in_their_language(client, auth, smtp_server, thread, member, other_member):
    member.locale = "fr"
    reply_through_the_site(client, auth, other_member, thread, "Essayez un autre câble.")
    [message] = smtp_server.inbox.messages
    assert subject(message) == "Bastien a répondu dans « Ma box redémarre sans cesse »"
    assert '<html lang="fr">' in html_part(message)


def test_a_mention_mails_the_member_mentioned(client, auth, smtp_server, thread, other_member):
    make_user("Chloe", locale="en")
    reply_through_the_site(client, auth, other_member, thread, "@Chloe, tu avais eu le même souci ?")
    [message] = smtp_server.inbox.to("chloe@example.org")
    assert subject(message) == "Bastien mentioned you in “Ma box redémarre sans cesse”"
    assert "> @Chloe, tu avais eu le même souci ?" in text_part(message)


def test_a_mention_added_by_an_edit_mails_the_member_mentioned(client, auth, smtp_server, thread, other_member):
    make_user("Chloe", locale="en")
    post_id = reply_through_the_site(client, auth, other_member, thread, "Une réponse.")
    assert smtp_server.inbox.to("chloe@example.org") == []
    client.post(f"/p/{post_id}/edit", data={"body": "Une réponse. @Chloe, une idée ?"})
    [message] = smtp_server.inbox.to("chloe@example.org")
    assert subject(message) == "Bastien mentioned you in “Ma box redémarre sans cesse”"


def test_a_reply_to_my_message_mails_me(client, auth, smtp_server, thread, member, other_member):
    answer = write_reply(other_member, thread, "Avez-vous essayé de la redémarrer ?")
    choose(other_member, reply=NEVER)  # Bastien watches the thread too: only the reply to him is told
    other_member.locale = "en"
    reply_through_the_site(client, auth, member, thread, "Oui, deux fois.", reply_to=answer)
    [message] = smtp_server.inbox.to("bastien@example.org")
    assert subject(message) == "Camille replied to your message in “Ma box redémarre sans cesse”"


def test_the_link_finds_the_post_on_its_page_in_a_long_thread(client, auth, smtp_server, long_thread):
    post_id = reply_through_the_site(client, auth, make_user("Chloe"), long_thread, "La septième.")
    message = smtp_server.inbox.to("camille@example.org")[-1]  # after those of the fixture's five replies
    assert f"{SITE}/p/{post_id}" in text_part(message)
    response = client.get(f"/p/{post_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?page=4#p{post_id}")


def test_a_moderation_outcome_chosen_at_once_tells_the_moderators_reason(
    client, auth, smtp_server, thread, member, other_member, moderator
):
    answer = write_reply(other_member, thread, "Achetez plutôt chez le concurrent !")
    choose(other_member, moderation=IMMEDIATELY)
    other_member.locale = "en"
    auth.login(moderator)
    assert client.post(f"/moderation/posts/{answer.id}/hide", data={"reason": "Publicité"}).status_code == 302
    [message] = smtp_server.inbox.to("bastien@example.org")
    assert subject(message) == "Your message in “Ma box redémarre sans cesse” was hidden by moderation"
    assert "Reason: Publicité" in text_part(message)
    assert "Achetez" not in text_part(message)  # no excerpt of a hidden message


def test_a_badge_chosen_at_once_links_to_the_members_badges(client, auth, smtp_server, thread, member, other_member):
    answer = write_reply(other_member, thread, "Changez le câble.")
    choose(other_member, badge=IMMEDIATELY)  # helpful marks stay in the digest
    other_member.locale = "en"
    auth.login(member)
    client.post(f"/p/{answer.id}/helpful")
    [message] = smtp_server.inbox.to("bastien@example.org")
    assert subject(message) == "You earned the badge “First helpful reply”"
    assert f"{SITE}/u/Bastien" in text_part(message)


def test_never_sends_nothing_and_leaves_the_notification(
    client, auth, smtp_server, runner, thread, member, other_member
):
    choose(member, reply=NEVER)
    reply_through_the_site(client, auth, other_member, thread, "Une réponse.")
    assert run_digest(runner).startswith("0 digests queued.")
    assert smtp_server.inbox.messages == []
    db.session.expire_all()
    [notification] = db.session.scalars(sa.select(Notification).where(Notification.user_id == member.id)).all()
    assert (notification.kind, notification.mailed_at) == (services.REPLY, None)


@pytest.mark.parametrize("account", [{"confirmed": False}, {"erased_at": utcnow()}], ids=["unconfirmed", "erased"])
def test_only_confirmed_live_accounts_get_notification_mail(client, auth, smtp_server, runner, thread, account):
    watcher = make_user("Chloe", **account)
    services.watch(watcher, thread)
    answer = write_reply(watcher, thread, "Moi aussi.")
    reply_through_the_site(client, auth, make_user("Dan"), thread, "@Chloe, essaie ceci.", reply_to=answer)
    auth.login(thread.author)
    client.post(f"/p/{answer.id}/helpful")  # a kind delivered in the digest
    run_digest(runner)
    assert smtp_server.inbox.to("chloe@example.org") == []


# The digest


def test_kinds_chosen_for_the_digest_wait_for_it_and_arrive_once(
    client, auth, smtp_server, runner, thread, member, other_member
):
    choose(member, reply=DIGEST)
    member.locale = "en"
    first = reply_through_the_site(client, auth, other_member, thread, "Première idée.")
    reply_through_the_site(client, auth, make_user("Chloe"), thread, "Deuxième idée.")
    answer = write_reply(member, thread, "Merci, je teste.")
    auth.login(other_member)
    client.post(f"/p/{answer.id}/helpful")  # helpful: the digest by default
    assert smtp_server.inbox.to("camille@example.org") == []

    assert run_digest(runner).startswith("1 digests queued.")
    [message] = smtp_server.inbox.to("camille@example.org")
    assert subject(message) == "3 new notifications on Entraide"
    text, html = text_part(message), html_part(message)
    # Grouped as the notifications page groups them: the two replies are one line.
    assert "- Chloe and 1 other replied in “Ma box redémarre sans cesse”" in text
    assert f"  {SITE}/p/{first}" in text and f'href="{SITE}/p/{first}"' in html
    assert "Bastien found your reply helpful in “Ma box redémarre sans cesse”" in text
    assert f"- You earned the badge “First helpful reply”\r\n  {SITE}/u/Camille" in text
    assert f"{SITE}/notifications" in text and '<html lang="en">' in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"

    assert run_digest(runner).startswith("0 digests queued. 0 sent")
    assert len(smtp_server.inbox.to("camille@example.org")) == 1


def test_the_digest_leaves_out_what_was_read(client, auth, smtp_server, runner, thread, member, other_member):
    answer = write_reply(member, thread, "Merci, je teste.")
    auth.login(other_member)
    client.post(f"/p/{answer.id}/helpful")
    auth.login(member)
    client.post("/notifications/read")
    assert run_digest(runner).startswith("0 digests queued.")
    assert smtp_server.inbox.messages == []


def test_the_digest_tells_only_what_was_not_mailed_at_once(client, auth, smtp_server, runner, thread, member):
    reply_through_the_site(client, auth, make_user("Chloe"), thread, "Une réponse.")
    assert len(smtp_server.inbox.to("camille@example.org")) == 1
    assert run_digest(runner).startswith("0 digests queued.")


def test_the_digest_lists_its_first_lines_and_counts_the_rest(smtp_server, runner, member, moderator, monkeypatch):
    monkeypatch.setattr(digest, "MAX_LINES", 2)
    member.locale = "en"
    for number in range(3):
        services.notify(member, services.SUSPENSION_LIFTED, f"Levée {number}", actor=moderator)
    run_digest(runner)
    [message] = smtp_server.inbox.messages
    assert subject(message) == "3 new notifications on Entraide"
    assert text_part(message).count("Your suspension was lifted") == 2
    assert "And 1 more on your notifications page:" in text_part(message)


# Choosing


def test_the_preferences_page_shows_each_kind_with_its_current_choice(client, auth, member):
    choose(member, badge=NEVER)
    auth.login(member)
    page = client.get("/account/notifications").get_data(as_text=True)
    for name, delivery in (DEFAULTS | {"badge": NEVER}).items():
        checked = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert len(checked) == 3, name
        assert [field for field in checked if "checked" in field] == [
            field for field in checked if f'value="{delivery}"' in field
        ], name
    assert "<fieldset" in page and "Replies in the threads I watch" in page
    assert 'href="/account/notifications"' in client.get("/account").get_data(as_text=True)


def test_the_preferences_form_saves_what_differs_from_the_defaults(client, auth, member):
    auth.login(member)
    response = client.post("/account/notifications", data=DEFAULTS | {"reply": DIGEST, "helpful": NEVER})
    assert response.status_code == 302 and response.headers["Location"] == "/account/notifications"
    assert stored_choices(member) == {"reply": DIGEST, "helpful": NEVER}
    assert "Your email preferences are saved." in client.get("/account/notifications").get_data(as_text=True)
    client.post("/account/notifications", data=DEFAULTS | {"helpful": NEVER})
    assert stored_choices(member) == {"helpful": NEVER}
    assert email.deliveries(member) == DEFAULTS | {"helpful": NEVER}


def test_a_field_left_out_keeps_its_choice(client, auth, member):
    choose(member, mention=NEVER)
    auth.login(member)
    assert client.post("/account/notifications", data={"badge": IMMEDIATELY}).status_code == 302
    assert stored_choices(member) == {"mention": NEVER, "badge": IMMEDIATELY}


@pytest.mark.parametrize("value", ["sometimes", "", "IMMEDIATELY", "digest "])
def test_the_preferences_form_refuses_a_bad_value_and_saves_nothing(client, auth, member, value):
    auth.login(member)
    response = client.post("/account/notifications", data=DEFAULTS | {"reply": NEVER, "badge": value})
    assert response.status_code == 400
    assert "Choose one of: immediately, digest, never." in response.get_data(as_text=True)
    assert stored_choices(member) == {}


def test_the_service_refuses_an_unknown_kind(member):
    with pytest.raises(InvalidInput):
        email.choose_deliveries(member, {"newsletter": NEVER})


def test_visitors_are_sent_to_log_in_for_the_preferences(client):
    response = client.post("/account/notifications", data={"reply": NEVER})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# Unsubscribing


@pytest.fixture
def mailed(client, auth, smtp_server, thread, other_member):
    """The message that told Camille, the thread's author, of Bastien's reply."""
    reply_through_the_site(client, auth, other_member, thread, "Une réponse.")
    auth.logout()
    [message] = smtp_server.inbox.messages
    return message


def test_the_one_click_post_unsubscribes_without_session_or_csrf_token(app, client, member, mailed):
    app.config["WTF_CSRF_ENABLED"] = True
    # CSRF is enforced: the preferences form refuses a post without its token.
    assert client.post("/account/notifications", data={"reply": NEVER}).status_code == 400
    response = client.post(unsubscribe_path(mailed), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no email will tell you of these any more" in response.get_data(as_text=True)
    assert 'href="/account/notifications"' in response.get_data(as_text=True)
    assert stored_choices(member) == {"reply": NEVER}


def test_the_unsubscribe_page_asks_before_stopping_anything(client, member, mailed):
    response = client.get(unsubscribe_path(mailed))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Replies in the threads I watch" in page and 'method="post"' in page and 'name="csrf_token"' in page
    assert "noindex" in page
    assert stored_choices(member) == {}


def test_unsubscribing_twice_is_harmless(client, member, mailed):
    assert client.post(unsubscribe_path(mailed)).status_code == 200
    assert client.post(unsubscribe_path(mailed)).status_code == 200
    assert stored_choices(member) == {"reply": NEVER}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused(client, member, mailed, method):
    path = unsubscribe_path(mailed)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    unsigned = path.rsplit(".", 1)[0]
    for url in (tampered, unsigned, "/unsubscribe/nonsense"):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert "This unsubscribe link is not valid." in response.get_data(as_text=True)
    assert stored_choices(member) == {}


def test_a_link_signed_for_something_else_is_refused(app, client, member):
    signer = URLSafeSerializer(app.config["SECRET_KEY"], salt="entraide-unsubscribe")
    for payload in ({"user": member.id, "stop": "newsletter"}, {"user": 999, "stop": "reply"}, [member.id, "reply"]):
        assert client.post(f"/unsubscribe/{signer.dumps(payload)}").status_code == 404
    other_purpose = URLSafeSerializer(app.config["SECRET_KEY"], salt="entraide-other")
    assert client.post(f"/unsubscribe/{other_purpose.dumps({'user': member.id, 'stop': 'reply'})}").status_code == 404


def test_the_digests_link_stops_every_kind_delivered_in_the_digest(
    client, auth, smtp_server, runner, thread, member, other_member
):
    choose(member, solution=IMMEDIATELY)
    answer = write_reply(member, thread, "Merci, je teste.")
    auth.login(other_member)
    client.post(f"/p/{answer.id}/helpful")
    auth.logout()
    run_digest(runner)
    [digest] = smtp_server.inbox.messages
    page = client.get(unsubscribe_path(digest)).get_data(as_text=True)
    assert "This stops the daily digest." in page and "The badges I earn" in page
    assert client.post(unsubscribe_path(digest)).status_code == 200
    assert email.deliveries(member) == DEFAULTS | {
        "solution": IMMEDIATELY,
        "helpful": NEVER,
        "badge": NEVER,
        "moderation": NEVER,
    }


# Queries


def test_writing_a_reply_reads_every_watchers_choices_in_one_query(category, member):
    def statements_for_a_reply(watchers: int) -> tuple[int, int]:
        thread = forum.start_thread(member, category, f"Sujet à {watchers} veilleurs", "Question")
        for number in range(watchers):
            watcher = make_user(f"veilleur{watchers}x{number}")
            services.watch(watcher, thread)
            choose(watcher, reply=(IMMEDIATELY, DIGEST, NEVER)[number % 3])
        db.session.commit()
        with counting_statements() as statements:
            forum.reply(make_user(f"auteur{watchers}"), thread, "Des nouvelles ?")
        db.session.commit()
        outbox_rows = [statement for statement in statements if statement.startswith("INSERT INTO mail_outbox")]
        choices_read = [statement for statement in statements if "email_preferences" in statement]
        return len(choices_read), len(statements) - len(outbox_rows)

    assert statements_for_a_reply(3) == statements_for_a_reply(15)
    assert statements_for_a_reply(6)[0] == 1


def test_every_preference_is_a_field_of_the_form_and_every_kind_has_a_preference(app):
    with app.test_request_context():
        assert [field.name for field in EmailPreferencesForm().delivery_fields()] == list(DEFAULTS)
    kinds = {
        services.REPLY,
        services.REPLY_TO,
        services.MENTION,
        services.HELPFUL,
        services.SOLUTION,
        services.BADGE,
        services.POST_HIDDEN,
        services.POST_RESTORED,
        services.FLAGS_UPHELD,
        services.FLAGS_DISMISSED,
        services.SUSPENDED,
        services.SUSPENSION_LIFTED,
        services.IDEA_STATUS,
    }
    assert set(email.PREFERENCE_OF_KIND) == kinds
    assert {name: preference.default for name, preference in email.PREFERENCES.items()} == DEFAULTS


def test_the_mentions_of_an_opening_post_are_mailed_too(smtp_server, category, member):
    make_user("Chloe", locale="en")
    forum.start_thread(member, category, "Une question pour Chloe", "@Chloe, tu connais ce modèle ?")
    db.session.commit()
    sending.send_waiting()
    [message] = smtp_server.inbox.to("chloe@example.org")
    assert subject(message) == "Camille mentioned you in “Une question pour Chloe”"


def test_the_daily_run_tells_of_an_anniversary_once_and_never_of_years_past(smtp_server, runner):
    year = timedelta(days=365)
    make_user("Ancienne", created_at=utcnow() - year - timedelta(days=2), locale="en")
    make_user("Doyenne", created_at=utcnow() - 3 * year, locale="en")
    make_user("Novice", created_at=utcnow() - year + timedelta(days=1), locale="en")
    assert run_digest(runner).startswith("1 digests queued.")
    [message] = smtp_server.inbox.messages
    assert message["To"] == "ancienne@example.org"
    assert "You earned the badge “One year among us”" in text_part(message)
    assert run_digest(runner).startswith("0 digests queued.")
