"""Members watch the threads they take part in and hear about replies and moderation of their messages."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import login_user

from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Post
from app.notifications import services
from app.notifications.models import Notification, Subscription
from app.notifications.views import is_watching
from tests.helpers import counting_statements, make_user


def watcher_ids(thread) -> set[int]:
    return set(db.session.scalars(sa.select(Subscription.user_id).where(Subscription.thread_id == thread.id)))


def notifications_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def unread_badge(page: str) -> str | None:
    found = re.search(r'<span class="unread-count">(\d+)</span>', page)
    return found.group(1) if found else None


def thread_url(thread) -> str:
    return f"/t/{thread.id}/{thread.slug}"


# Watching


def test_starting_a_thread_watches_it(thread, member):
    assert watcher_ids(thread) == {member.id}


def test_replying_watches_the_thread_once(thread, other_member):
    forum.reply(other_member, thread, "Essayez de la débrancher.")
    forum.reply(other_member, thread, "Et de la rebrancher.")
    db.session.commit()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Subscription).where(Subscription.user_id == other_member.id)
        )
        == 1
    )


def test_watch_is_idempotent(thread, member):
    services.watch(member, thread)
    services.watch(member, thread)
    db.session.commit()
    assert watcher_ids(thread) == {member.id}


def test_replying_through_the_site_watches_the_thread(client, auth, thread, other_member):
    auth.login(other_member)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "Même souci ici."}).status_code == 302
    assert other_member.id in watcher_ids(thread)


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_watch_button_toggles_and_returns_to_the_thread(client, auth, thread, other_member, moderator, role):
    user = other_member if role == "member" else moderator
    auth.login(user)
    response = client.post(f"/t/{thread.id}/watch")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(thread_url(thread))
    assert user.id in watcher_ids(thread)
    client.post(f"/t/{thread.id}/watch")
    assert user.id not in watcher_ids(thread)


def test_visitors_cannot_watch(client, thread):
    response = client.post(f"/t/{thread.id}/watch")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert watcher_ids(thread) == {thread.author_id}


def test_watching_a_missing_thread_is_a_404(client, auth, member):
    auth.login(member)
    assert client.post("/t/999/watch").status_code == 404


def test_is_watching_costs_one_query_for_members_and_none_for_visitors(app, thread, member):
    db.session.refresh(thread)  # loaded, as the thread page has it
    with app.app_context(), app.test_request_context():
        with counting_statements() as statements:
            assert is_watching(thread) is False
        assert statements == []
    with app.app_context(), app.test_request_context():
        login_user(member)
        with counting_statements() as statements:
            assert is_watching(thread) is True
        assert len(statements) == 1


# Being notified of replies


def test_a_reply_notifies_every_watcher_but_the_replier(thread, member, other_member):
    third = make_user("Chloé")
    forum.reply(third, thread, "Je suis curieuse aussi.")
    db.session.commit()
    reply = forum.reply(other_member, thread, "Changez l'alimentation.")
    db.session.commit()
    assert [(n.kind, n.actor_id, n.post_id, n.thread_id) for n in notifications_of(member)][-1] == (
        services.REPLY,
        other_member.id,
        reply.id,
        thread.id,
    )
    assert [n.post_id for n in notifications_of(third)] == [reply.id]
    assert notifications_of(other_member) == []


def test_notifying_watchers_costs_the_same_for_many_watchers(member, category):
    def statements_to_notify(watchers: int) -> int:
        thread = forum.start_thread(member, category, f"Sujet à {watchers} veilleurs", "Question")
        for number in range(watchers):
            services.watch(make_user(f"veilleur{watchers}x{number}"), thread)
        post = Post(thread=thread, author=member, position=2, body_source="Des nouvelles ?", body_html="")
        db.session.add(post)
        db.session.flush()
        with counting_statements() as statements:
            services.notify_watchers(thread, post)
        db.session.commit()
        told = db.session.scalar(
            sa.select(sa.func.count()).select_from(Notification).where(Notification.post_id == post.id)
        )
        assert told == watchers  # the author, watching too, is not told of their own reply
        return len(statements)

    assert statements_to_notify(1) == statements_to_notify(12) == 2


def test_unwatching_stops_the_notifications(client, auth, thread, member, other_member):
    auth.login(member)
    client.post(f"/t/{thread.id}/watch")
    forum.reply(other_member, thread, "Une idée : le câble.")
    db.session.commit()
    assert notifications_of(member) == []


def test_notify_ignores_a_members_own_doing(member, moderator):
    services.notify(member, services.SUSPENDED, detail="Spam", actor=member)
    services.notify(member, services.SUSPENDED, detail="Spam", actor=moderator)
    db.session.commit()
    assert [n.actor_id for n in notifications_of(member)] == [moderator.id]


# The notifications page


def test_the_page_words_each_kind_with_links_names_reasons_and_times(
    client, auth, thread, member, other_member, moderator
):
    reply = forum.reply(other_member, thread, "Avez-vous mis à jour ?")
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1))
    services.notify(member, services.POST_HIDDEN, detail="Hors sujet", actor=moderator, post=opening)
    services.notify(member, services.POST_RESTORED, actor=moderator, post=opening)
    services.notify(member, services.FLAGS_UPHELD, actor=moderator, post=reply)
    services.notify(member, services.FLAGS_DISMISSED, actor=moderator, post=reply)
    services.notify(member, services.SUSPENDED, detail="Insultes répétées", actor=moderator)
    services.notify(member, services.SUSPENSION_LIFTED, actor=moderator)
    auth.login(member)
    response = client.get("/notifications")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in page
    assert "Bastien replied in “Ma box redémarre sans cesse”" in page
    assert f'href="/t/{thread.id}/{thread.slug}#p{reply.id}"' in page
    assert f'href="/t/{thread.id}/{thread.slug}#p{opening.id}"' in page
    assert "Your message in “Ma box redémarre sans cesse” was hidden by moderation" in page
    assert "Reason: Hors sujet" in page
    assert "was restored" in page
    assert "was upheld" in page
    assert "was dismissed" in page
    assert "Your account is suspended: Insultes répétées" in page
    assert "Your suspension was lifted" in page
    assert "Modo" in page and "Bastien" in page
    assert page.count("<time datetime=") >= 7
    assert page.count("notification--unread") == 7


def test_newest_come_first(client, auth, member, moderator):
    services.notify(member, services.SUSPENDED, detail="premier", actor=moderator)
    db.session.commit()
    services.notify(member, services.SUSPENSION_LIFTED, actor=moderator)
    auth.login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("Your suspension was lifted") < page.index("premier")


def test_the_page_paginates(app, client, auth, member, moderator):
    app.config["NOTIFICATIONS_PER_PAGE"] = 3
    start = utcnow()
    for number in range(7):
        db.session.add(
            Notification(
                user_id=member.id,
                kind=services.SUSPENDED,
                detail=f"raison-{number}",
                created_at=start + timedelta(minutes=number),
            )
        )
    auth.login(member)
    first = client.get("/notifications").get_data(as_text=True)
    assert "raison-6" in first and "raison-4" in first and "raison-3" not in first
    assert 'rel="next"' in first
    third = client.get("/notifications?page=3")
    assert third.status_code == 200
    assert "raison-0" in third.get_data(as_text=True)
    assert client.get("/notifications?page=4").status_code == 404
    assert client.get("/notifications?page=zéro").status_code == 400
    assert client.get("/notifications?page=0").status_code == 400


def test_an_empty_list_is_a_page_not_a_404(client, auth, member):
    auth.login(member)
    response = client.get("/notifications")
    assert response.status_code == 200
    assert "Nothing yet" in response.get_data(as_text=True)


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.post("/notifications/read").status_code == 302


def test_a_member_sees_only_their_own_notifications(client, auth, member, other_member, moderator):
    services.notify(member, services.SUSPENDED, detail="pour Camille", actor=moderator)
    services.notify(other_member, services.SUSPENDED, detail="pour Bastien", actor=moderator)
    auth.login(other_member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "pour Bastien" in page
    assert "pour Camille" not in page


def test_marking_all_read_clears_the_header_count(client, auth, thread, member, other_member):
    forum.reply(other_member, thread, "Un")
    forum.reply(other_member, thread, "Deux")
    forum.reply(other_member, thread, "Trois")
    db.session.commit()
    auth.login(member)
    assert unread_badge(client.get("/").get_data(as_text=True)) == "3"
    assert 'aria-label="Notifications: 3 unread"' in client.get("/").get_data(as_text=True)
    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/notifications")
    assert all(n.read_at is not None for n in notifications_of(member))
    page = client.get("/notifications").get_data(as_text=True)
    assert unread_badge(page) is None
    assert "notification--unread" not in page
    assert "Bastien replied" in page


def test_marking_read_leaves_other_members_unread(client, auth, member, other_member, moderator):
    services.notify(member, services.SUSPENDED, actor=moderator)
    services.notify(other_member, services.SUSPENDED, actor=moderator)
    auth.login(member)
    client.post("/notifications/read")
    assert [n.read_at for n in notifications_of(other_member)] == [None]


def test_opening_the_page_marks_nothing_read(client, auth, member, moderator):
    services.notify(member, services.SUSPENDED, actor=moderator)
    auth.login(member)
    client.get("/notifications")
    client.get("/notifications")
    assert [n.read_at for n in notifications_of(member)] == [None]
    assert unread_badge(client.get("/notifications").get_data(as_text=True)) == "1"


def test_the_header_count_is_one_query_for_members_and_none_for_visitors(client, auth, member, moderator):
    def counts_in(statements) -> int:
        return sum(1 for s in statements if "count(" in s.lower() and "notifications" in s)

    client.get("/")
    with counting_statements() as statements:
        page = client.get("/").get_data(as_text=True)
    assert counts_in(statements) == 0
    assert "/notifications" not in page

    services.notify(member, services.SUSPENDED, actor=moderator)
    auth.login(member)
    client.get("/")
    with counting_statements() as statements:
        page = client.get("/").get_data(as_text=True)
    assert counts_in(statements) == 1
    assert unread_badge(page) == "1"


def test_no_count_shown_without_unread_notifications(client, auth, member):
    auth.login(member)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/notifications"' in page
    assert unread_badge(page) is None


def watch_button(client, auth, thread, user=None) -> str:
    """The watch form on the thread's page, as `user` (or a visitor) sees it."""
    if user is not None:
        auth.login(user)
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    auth.logout()
    start = page.find('<form method="post" action="/t/')
    return page[start : page.index("</form>", start)] if start >= 0 else ""


def test_the_watch_button_says_what_it_will_do(client, auth, thread, member, other_member):
    assert "Stop watching" in watch_button(client, auth, thread, member)
    assert "Watch this thread" in watch_button(client, auth, thread, other_member)
    assert f'action="/t/{thread.id}/watch"' in watch_button(client, auth, thread, other_member)
    assert watch_button(client, auth, thread) == ""
