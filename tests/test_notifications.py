"""Members watch or mute threads, and hear, once per event, of replies, of what peers make of their
replies, of their badges and of moderation of their messages."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import login_user

from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Post
from app.moderation import services as moderation
from app.notifications import services
from app.notifications.models import MUTED, WATCHING, Notification, Subscription
from app.notifications.views import subscription_level
from app.page_cache.models import SITE, ContentVersion
from app.reputation import services as reputation
from tests.helpers import counting_statements, make_user, opening_of, write_reply


def watcher_ids(thread) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Subscription.user_id).where(Subscription.thread_id == thread.id, Subscription.level == WATCHING)
        )
    )


def level_of(user, thread) -> str | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Subscription.level).where(Subscription.user_id == user.id, Subscription.thread_id == thread.id)
    )


def notifications_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def told(user) -> list[tuple[str, int | None, int | None]]:
    """What `user` was told, oldest first: (kind, actor id, post id)."""
    return [(n.kind, n.actor_id, n.post_id) for n in notifications_of(user)]


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


def test_the_members_choice_costs_one_query_for_members_and_none_for_visitors(app, thread, member):
    db.session.refresh(thread)  # loaded, as the thread page has it
    with app.app_context(), app.test_request_context():
        with counting_statements() as statements:
            assert subscription_level(thread) is None
        assert statements == []
    with app.app_context(), app.test_request_context():
        login_user(member)
        with counting_statements() as statements:
            assert subscription_level(thread) == WATCHING
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
            services.notify_of_new_post(post)
        db.session.commit()
        told = db.session.scalar(
            sa.select(sa.func.count()).select_from(Notification).where(Notification.post_id == post.id)
        )
        assert told == watchers  # the author, watching too, is not told of their own reply
        # Each email told at once is a row of the mail outbox: one message, one row.
        return len([statement for statement in statements if not statement.startswith("INSERT INTO mail_outbox")])

    # The watchers and mutes, the addresses and email choices of those told, the notifications.
    assert statements_to_notify(1) == statements_to_notify(12) == 3


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


def test_marking_all_read_clears_the_header_count(client, auth, thread, member, other_member, category):
    forum.reply(other_member, thread, "Un")
    forum.reply(other_member, thread, "Deux")
    elsewhere = forum.start_thread(member, category, "Mon imprimante bourre", "Le papier se froisse.")
    forum.reply(other_member, elsewhere, "Trois")
    services.notify(member, services.SUSPENDED, actor=make_user("Modo", role="moderator"))
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


# Muting threads


def test_muting_a_watched_thread_stops_watching_it(thread, member):
    services.mute(member, thread)
    db.session.commit()
    assert level_of(member, thread) == MUTED
    assert member.id not in watcher_ids(thread)


def test_watching_a_muted_thread_unmutes_it(thread, member):
    services.mute(member, thread)
    services.watch(member, thread)
    db.session.commit()
    assert level_of(member, thread) == WATCHING


def test_replying_in_a_muted_thread_keeps_it_muted(thread, other_member):
    services.mute(other_member, thread)
    write_reply(other_member, thread, "Je réponds quand même.")
    assert level_of(other_member, thread) == MUTED


def test_a_muted_thread_tells_its_member_nothing_members_do_in_it(thread, member, other_member):
    services.mute(member, thread)
    db.session.commit()
    question = opening_of(thread)
    reply = forum.reply(other_member, thread, "Bonjour @Camille, avez-vous essayé ?", reply_to=question)
    mine = forum.reply(member, thread, "Oui, sans succès.")
    forum.edit_post(other_member, reply, "Bonjour @Camille et @Bastien, avez-vous essayé ?")
    reputation.toggle_helpful(make_user("Chloé"), mine)
    db.session.commit()
    # The badge that mark earned is about the member, not the thread: it is still told.
    assert [kind for kind, _, _ in told(member)] == [services.BADGE]


def test_muting_leaves_moderation_outcomes_told(thread, member, moderator):
    services.mute(member, thread)
    moderation.hide_post(moderator, opening_of(thread), "Hors charte")
    db.session.commit()
    assert [kind for kind, _, _ in told(member)] == [services.POST_HIDDEN]


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_the_mute_button_toggles_and_returns_to_the_thread(client, auth, thread, other_member, moderator, role):
    user = other_member if role == "member" else moderator
    auth.login(user)
    response = client.post(f"/t/{thread.id}/mute")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(thread_url(thread))
    assert level_of(user, thread) == MUTED
    assert "You muted this thread" in client.get(thread_url(thread)).get_data(as_text=True)
    client.post(f"/t/{thread.id}/mute")
    assert level_of(user, thread) is None


def test_the_watch_button_unmutes_and_the_mute_button_stops_watching(client, auth, thread, member):
    auth.login(member)
    client.post(f"/t/{thread.id}/mute")
    assert level_of(member, thread) == MUTED
    client.post(f"/t/{thread.id}/watch")
    assert level_of(member, thread) == WATCHING


def test_visitors_cannot_mute(client, thread):
    response = client.post(f"/t/{thread.id}/mute")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert watcher_ids(thread) == {thread.author_id}
    assert db.session.scalar(sa.select(sa.func.count()).where(Subscription.level == MUTED)) == 0


def test_muting_a_missing_thread_is_a_404(client, auth, member):
    auth.login(member)
    assert client.post("/t/999/mute").status_code == 404


def test_a_thread_titled_mute_keeps_a_slug_of_its_own(member, category):
    assert forum.start_thread(member, category, "Mute", "?").slug == "mute-sujet"


def test_the_thread_page_says_what_the_member_chose_and_offers_the_rest(client, auth, thread, member, other_member):
    watching = watch_button(client, auth, thread, member)
    assert "You are watching this thread." in watching and "Stop watching" in watching and ">Mute<" in watching
    neither = watch_button(client, auth, thread, other_member)
    assert "Watch this thread" in neither and ">Mute<" in neither and "You are watching" not in neither
    assert f'formaction="/t/{thread.id}/mute"' in neither
    services.mute(other_member, thread)
    db.session.commit()
    muted = watch_button(client, auth, thread, other_member)
    assert "You muted this thread." in muted and "Watch this thread" in muted and ">Unmute<" in muted


def test_muting_leaves_the_pages_kept_for_visitors(client, auth, thread, other_member):
    def content_version() -> int:
        db.session.expire_all()
        return db.session.get(ContentVersion, SITE).version

    version = content_version()
    auth.login(other_member)
    client.post(f"/t/{thread.id}/mute")
    client.post(f"/t/{thread.id}/mute")
    assert content_version() == version


# What members are told of, once per event


def test_a_reply_to_my_post_tells_me_it_answers_me(thread, member, other_member):
    chloe = make_user("Chloé")
    answer = write_reply(other_member, thread, "Essayez un autre câble.")
    services.toggle_watch(other_member, thread)  # Bastien no longer watches: the answer still reaches him
    db.session.commit()
    reply = forum.reply(chloe, thread, "Bonne idée, Bastien.", reply_to=answer)
    db.session.commit()
    assert told(other_member) == [(services.REPLY_TO, chloe.id, reply.id)]
    assert told(member)[-1] == (services.REPLY, chloe.id, reply.id)


def test_answering_ones_own_post_tells_nobody_of_it(thread, member, other_member):
    answer = write_reply(other_member, thread, "Essayez un autre câble.")
    forum.reply(other_member, thread, "Je précise ma réponse.", reply_to=answer)
    db.session.commit()
    assert told(other_member) == []


def test_a_member_concerned_several_ways_is_told_once_by_the_most_specific_kind(thread, member, other_member):
    chloe, dan = make_user("Chloé"), make_user("Dan")
    answer = write_reply(other_member, thread, "Essayez un autre câble.")
    write_reply(dan, thread, "Pareil chez moi.")
    question = opening_of(thread)
    reply = forum.reply(chloe, thread, "@Camille, Bastien a raison.", reply_to=question)
    reply_to_answer = forum.reply(chloe, thread, "Merci @Dan.", reply_to=answer)
    db.session.commit()
    # Camille: asked, mentioned, watching; Dan: mentioned, watching; Bastien: answered, watching.
    assert [n for n in told(member) if n[2] == reply.id] == [(services.MENTION, chloe.id, reply.id)]
    assert [n for n in told(member) if n[2] == reply_to_answer.id] == [(services.REPLY, chloe.id, reply_to_answer.id)]
    assert [n for n in told(dan) if n[2] == reply_to_answer.id] == [(services.MENTION, chloe.id, reply_to_answer.id)]
    assert [n for n in told(other_member) if n[2] == reply_to_answer.id] == [
        (services.REPLY_TO, chloe.id, reply_to_answer.id)
    ]
    assert [n for n in told(other_member) if n[2] == reply.id] == [(services.REPLY, chloe.id, reply.id)]


def test_a_reply_marked_helpful_tells_its_author_once_even_when_marked_again(thread, member, other_member):
    answer = write_reply(other_member, thread, "Essayez un autre câble.")

    def marks_told() -> list[tuple]:
        return [n for n in told(other_member) if n[0] == services.HELPFUL]

    reputation.toggle_helpful(member, answer)
    db.session.commit()
    assert marks_told() == [(services.HELPFUL, member.id, answer.id)]
    reputation.toggle_helpful(member, answer)  # withdrawn: the notification stays
    db.session.commit()
    assert marks_told() == [(services.HELPFUL, member.id, answer.id)]
    reputation.toggle_helpful(member, answer)  # given again: no news
    db.session.commit()
    assert marks_told() == [(services.HELPFUL, member.id, answer.id)]


def test_a_reply_accepted_as_the_solution_tells_its_author_once(thread, member, other_member):
    answer = write_reply(other_member, thread, "Essayez un autre câble.")
    other = write_reply(make_user("Chloé"), thread, "Ou une autre prise.")
    reputation.toggle_solution(member, answer)
    reputation.toggle_solution(member, other)  # replaced: Bastien's notification stays
    reputation.toggle_solution(member, answer)  # accepted again: no news
    db.session.commit()
    assert [n for n in told(other_member) if n[0] == services.SOLUTION] == [(services.SOLUTION, member.id, answer.id)]


def test_accepting_ones_own_reply_tells_nobody(thread, member):
    mine = write_reply(member, thread, "J'ai trouvé : le firmware.")
    reputation.toggle_solution(member, mine)
    db.session.commit()
    assert told(member) == []


def test_earning_a_badge_tells_the_member_which(client, auth, thread, member, other_member):
    answer = write_reply(other_member, thread, "Essayez un autre câble.")
    reputation.toggle_helpful(member, answer)
    db.session.commit()
    assert [(n.kind, n.detail, n.actor_id) for n in notifications_of(other_member)] == [
        (services.HELPFUL, "", member.id),
        (services.BADGE, "first-helpful", None),
    ]
    auth.login(other_member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "You earned the badge “First helpful reply”" in page
    assert 'href="/u/Bastien"' in page
