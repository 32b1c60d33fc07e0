from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.clock import utcnow
from app.errors import InvalidInput
from app.extensions import db
from app.forum import counters
from app.forum import services as forum
from app.forum.models import Category, Post, Thread
from app.moderation import services as moderation
from app.moderation.models import Flag, ModerationAction
from app.notifications.models import Notification
from app.reputation import services as reputation
from tests.helpers import Auth, make_user, statements_for, while_another_waits


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def log_lines() -> list[tuple]:
    return [
        (entry.action, entry.actor.username if entry.actor else None, entry.reason)
        for entry in db.session.scalars(sa.select(ModerationAction).order_by(ModerationAction.id))
    ]


def notified(user: User) -> list[str]:
    """The moderation notices a user received (replies in watched threads left aside)."""
    return list(
        db.session.scalars(
            sa.select(Notification.kind)
            .where(Notification.user_id == user.id, Notification.kind != "reply")
            .order_by(Notification.id)
        )
    )


@pytest.fixture
def answer(thread, other_member):
    post = forum.reply(other_member, thread, "Une réponse **discutable**.")
    db.session.commit()
    return post


@pytest.fixture
def flaggers(app):
    return [make_user(f"Vigilant{n}") for n in range(3)]


def flag(client, auth, user, post, reason="spam", note=""):
    auth.login(user)
    return client.post(f"/p/{post.id}/flag", data={"reason": reason, "note": note})


# Flags


def test_member_flags_a_post_once(client, auth, member, answer):
    assert flag(client, auth, member, answer).status_code == 302
    saved = db.session.scalar(sa.select(Flag))
    assert (saved.post_id, saved.reporter_id, saved.reason, saved.status) == (answer.id, member.id, "spam", "open")
    assert flag(client, auth, member, answer).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Flag)) == 1


@pytest.mark.parametrize(
    "reason, note, status",
    [
        ("spam", "", 302),
        ("abusive", "", 302),
        ("off_topic", "", 302),
        ("other", "Publicité déguisée", 302),
        ("other", "", 400),
        ("other", "   ", 400),
        ("pas-une-raison", "", 400),
        ("", "", 400),
        ("spam", "x" * 501, 400),
    ],
)
def test_flag_reasons(client, auth, member, answer, reason, note, status):
    assert flag(client, auth, member, answer, reason, note).status_code == status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Flag)) == (1 if status == 302 else 0)


def test_the_flag_form_offers_its_reasons_in_the_reader_s_language(client, french_client, member, answer):
    """The reasons are worded once per language: a page in one language never shows another's."""
    url = f"/t/{answer.thread_id}/{answer.thread.slug}"
    pages = []
    for browser in (client, french_client, client):
        Auth(browser).login(member)
        pages.append(browser.get(url).get_data(as_text=True))
    english, french, english_again = pages
    for page, spam, off_topic in (
        (english, "Spam or advertising", "Off topic"),
        (french, "Spam ou publicité", "Hors sujet"),
        (english_again, "Spam or advertising", "Off topic"),
    ):
        assert f'<input type="radio" name="reason" value="spam" required> {spam}</label>' in page
        assert f'<input type="radio" name="reason" value="off_topic" required> {off_topic}</label>' in page


def test_nobody_flags_their_own_post(client, auth, other_member, answer):
    assert flag(client, auth, other_member, answer).status_code == 403


def test_three_members_flagging_hide_the_post_at_once(client, auth, member, other_member, flaggers, thread, answer):
    reputation.toggle_helpful(member, answer)
    db.session.commit()
    for user in flaggers[:2]:
        flag(client, auth, user, answer)
    assert fresh(Post, answer.id).hidden_at is None
    flag(client, auth, flaggers[2], answer, "abusive")
    post = fresh(Post, answer.id)
    assert post.hidden_at is not None and post.hidden_by_id is None
    assert log_lines() == [("auto_hide_post", None, post.hidden_reason)]
    assert notified(other_member)[-1] == "post_hidden"
    assert fresh(Thread, thread.id).reply_count == 0
    assert fresh(User, other_member.id).reputation == 0  # the helpful mark no longer counts
    auth.login(member)
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    assert "Hidden until a moderator reviews it: Flagged by 3 members." not in page  # stored in French
    assert "Signalé par 3 membres." in page and "discutable" not in page
    auth.login(other_member)
    assert "discutable" in client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)


def test_a_flag_that_waited_for_another_sees_the_post_that_one_hid(app, monkeypatch, row_locks, flaggers, answer):
    """Two members flag a post at the same instant, each having read it shown: the first flag hides
    it, and the second, once the first is committed, finds it hidden and moves no counter again."""
    monkeypatch.setitem(app.config, "MODERATION_AUTO_HIDE_FLAGS", 1)
    first, second = flaggers[:2]

    def second_flag():
        post, flagger = db.session.get(Post, answer.id), db.session.get(User, second.id)
        return lambda: moderation.flag_post(flagger, post, "spam")

    raised = while_another_waits(app, lambda: moderation.flag_post(first, answer, "spam"), second_flag)
    assert [str(error) for error in raised] == ["Ce message n'est plus affiché."]
    assert counters.find_drift() == []
    assert log_lines() == [("auto_hide_post", None, fresh(Post, answer.id).hidden_reason)]


def test_flags_from_one_member_never_add_up(client, auth, member, answer, app):
    app.config["MODERATION_AUTO_HIDE_FLAGS"] = 1
    assert flag(client, auth, member, answer).status_code == 302
    assert fresh(Post, answer.id).hidden_at is not None


# The queue


def test_queue_lists_flagged_posts_grouped_oldest_first_with_reasons(
    client, auth, moderator, flaggers, thread, answer, member
):
    second = forum.reply(member, thread, "Un autre message signalé")
    db.session.commit()
    flag(client, auth, flaggers[0], answer, "spam")
    flag(client, auth, flaggers[1], answer, "other", "Lien douteux")
    flag(client, auth, flaggers[0], second, "off_topic")
    auth.login(moderator)
    page = client.get("/moderation/flags").get_data(as_text=True)
    assert page.index(f'id="q{answer.id}"') < page.index(f'id="q{second.id}"')
    assert "2 open flags" in page and "Lien douteux" in page and "Vigilant1" in page
    assert "spam (1)" in page and "other (1)" in page


@pytest.mark.parametrize("who, status", [(None, 302), ("member", 403), ("moderator", 200), ("admin", 200)])
def test_queue_is_for_staff(request, client, auth, who, status):
    if who:
        auth.login(request.getfixturevalue(who))
    assert client.get("/moderation/flags").status_code == status


def test_dismissing_flags_restores_an_automatically_hidden_post(
    client, auth, moderator, flaggers, other_member, answer
):
    for user in flaggers:
        flag(client, auth, user, answer)
    auth.login(moderator)
    response = client.post(f"/moderation/flags/{answer.id}/dismiss", data={"reason": "Critique légitime"})
    assert response.status_code == 302
    assert fresh(Post, answer.id).hidden_at is None
    assert set(db.session.scalars(sa.select(Flag.status))) == {"dismissed"}
    assert [line[0] for line in log_lines()] == ["auto_hide_post", "dismiss_flags", "restore_post"]
    assert all(notified(user) == ["flags_dismissed"] for user in flaggers)
    assert notified(other_member)[-1] == "post_restored"
    assert "Nothing waits" in client.get("/moderation/flags").get_data(as_text=True)


def test_hiding_from_the_queue_upholds_flags_and_can_suspend_the_author(
    client, auth, moderator, member, other_member, answer
):
    flag(client, auth, member, answer, "abusive")
    auth.login(moderator)
    response = client.post(
        f"/moderation/posts/{answer.id}/hide", data={"reason": "Propos insultants", "suspend_days": "7"}
    )
    assert response.status_code == 302
    post, author = fresh(Post, answer.id), fresh(User, other_member.id)
    assert post.hidden_by_id == moderator.id and post.hidden_reason == "Propos insultants"
    assert db.session.scalar(sa.select(Flag.status)) == "upheld"
    assert author.is_suspended and author.suspension_reason == "Propos insultants"
    assert abs((author.suspended_until - utcnow()) - timedelta(days=7)) < timedelta(minutes=1)
    assert [line[0] for line in log_lines()] == ["hide_post", "suspend_user"]
    assert notified(member) == ["flags_upheld"]
    assert notified(other_member) == ["post_hidden", "suspended"]


# Hidden posts and reviews


def test_hide_and_restore_keep_counters_and_reputation_right(
    client, auth, moderator, member, other_member, thread, answer
):
    reputation.toggle_helpful(member, answer)
    db.session.commit()
    auth.login(moderator)
    client.post(f"/moderation/posts/{answer.id}/hide", data={"reason": "Hors charte"})
    assert fresh(Category, thread.category_id).post_count == 1
    assert fresh(User, other_member.id).reputation == 0
    client.post(f"/moderation/posts/{answer.id}/restore", data={"reason": "Après relecture, c'est correct"})
    assert fresh(Category, thread.category_id).post_count == 2
    assert fresh(Thread, thread.id).reply_count == 1
    assert fresh(User, other_member.id).reputation == 10
    assert [line[0] for line in log_lines()] == ["hide_post", "restore_post"]


def test_author_edits_a_hidden_post_and_asks_for_one_more_review(client, auth, moderator, other_member, answer):
    auth.login(moderator)
    client.post(f"/moderation/posts/{answer.id}/hide", data={"reason": "Hors charte"})
    auth.login(other_member)
    assert client.post(f"/p/{answer.id}/edit", data={"body": "Version corrigée"}).status_code == 302
    assert client.post(f"/p/{answer.id}/review").status_code == 302
    assert client.post(f"/p/{answer.id}/review").status_code == 403  # once
    auth.login(moderator)
    queue = client.get("/moderation/flags").get_data(as_text=True)
    assert f'id="q{answer.id}"' in queue and "asks for another review" in queue and "Version corrigée" in queue
    client.post(
        f"/moderation/posts/{answer.id}/hide", data={"reason": "Toujours hors charte", "next": "/moderation/flags"}
    )
    post = fresh(Post, answer.id)
    assert post.is_hidden and post.review_decided_at is not None and post.hidden_reason == "Toujours hors charte"
    assert f'id="q{answer.id}"' not in client.get("/moderation/flags").get_data(as_text=True)
    assert log_lines()[-1][0] == "keep_hidden"
    auth.login(other_member)
    assert client.post(f"/p/{answer.id}/review").status_code == 403


def test_only_the_author_of_a_hidden_post_asks_for_review(client, auth, member, moderator, answer):
    auth.login(moderator)
    client.post(f"/moderation/posts/{answer.id}/hide", data={"reason": "Hors charte"})
    auth.login(member)
    assert client.post(f"/p/{answer.id}/review").status_code == 403


@pytest.mark.parametrize("days", [-2, 366])
def test_hiding_with_a_refused_suspension_leaves_nothing_half_done(member, moderator, other_member, answer, days):
    moderation.flag_post(member, answer, "spam")
    db.session.commit()
    with pytest.raises(InvalidInput):
        moderation.hide_post(moderator, answer, "Hors charte", suspend_days=days)
    # Read in the same transaction: nothing was hidden, resolved, logged or notified before the refusal.
    assert db.session.scalar(sa.select(Post.hidden_at).where(Post.id == answer.id)) is None
    assert db.session.scalar(sa.select(Flag.status)) == "open"
    assert log_lines() == [] and notified(other_member) == [] and notified(member) == []
    assert not (db.session.new or db.session.dirty or db.session.deleted)


def test_a_refused_hide_says_why_and_changes_nothing(client, auth, member, moderator, other_member, answer):
    moderation.flag_post(member, answer, "spam")
    db.session.commit()
    auth.login(moderator)
    response = client.post(f"/moderation/posts/{answer.id}/hide", data={"reason": "Hors charte", "suspend_days": "400"})
    assert response.status_code == 400 and "A suspension lasts from 1 to 365 days." in response.get_data(as_text=True)
    assert not fresh(Post, answer.id).is_hidden and not fresh(User, other_member.id).is_suspended
    assert db.session.scalar(sa.select(Flag.status)) == "open"
    assert log_lines() == []


def test_restoring_a_visible_post_or_hiding_a_deleted_one_is_refused(client, auth, moderator, other_member, answer):
    auth.login(moderator)
    assert client.post(f"/moderation/posts/{answer.id}/restore", data={"reason": "Pourquoi pas"}).status_code == 400
    forum.delete_post(fresh(User, other_member.id), fresh(Post, answer.id))
    db.session.commit()
    assert client.post(f"/moderation/posts/{answer.id}/hide", data={"reason": "Trop tard"}).status_code == 400


# Threads


def test_lock_shows_why_and_stops_replies_until_unlocked(client, auth, moderator, other_member, thread):
    auth.login(moderator)
    assert (
        client.post(f"/moderation/threads/{thread.id}/lock", data={"reason": "Le débat tourne en rond"}).status_code
        == 302
    )
    assert client.post(f"/moderation/threads/{thread.id}/lock", data={"reason": "Encore"}).status_code == 400
    auth.login(other_member)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "moi aussi"}).status_code == 403
    assert "Le débat tourne en rond" in client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    auth.login(moderator)
    client.post(f"/moderation/threads/{thread.id}/unlock", data={"reason": "Reprise du débat"})
    auth.login(other_member)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "moi aussi"}).status_code == 302
    assert [line[0] for line in log_lines()] == ["lock_thread", "unlock_thread"]


def test_pin_puts_a_thread_first(client, auth, moderator, member, category, thread):
    newer = forum.start_thread(member, category, "Sujet plus récent", "texte")
    db.session.commit()
    auth.login(moderator)
    client.post(f"/moderation/threads/{thread.id}/pin", data={"reason": "Question fréquente"})
    page = client.get("/c/depannage").get_data(as_text=True)
    assert page.index(thread.title) < page.index(newer.title)
    client.post(f"/moderation/threads/{thread.id}/unpin", data={"reason": "Plus d'actualité"})
    assert not fresh(Thread, thread.id).pinned


def test_move_carries_the_thread_and_its_counts(client, auth, moderator, category, thread, answer):
    target = Category(name="Idées", slug="idees")
    db.session.add(target)
    db.session.commit()
    auth.login(moderator)
    response = client.post(
        f"/moderation/threads/{thread.id}/move", data={"category": "idees", "reason": "Mauvaise catégorie"}
    )
    assert response.status_code == 302
    source, target = (
        fresh(Category, category.id),
        db.session.scalar(sa.select(Category).where(Category.slug == "idees")),
    )
    assert fresh(Thread, thread.id).category_id == target.id
    assert (source.thread_count, source.post_count, target.thread_count, target.post_count) == (0, 0, 1, 2)
    assert log_lines() == [("move_thread", "Modo", "Mauvaise catégorie")]


@pytest.fixture
def ideas(app):
    category = Category(name="Idées", slug="idees")
    db.session.add(category)
    db.session.commit()
    return category


@pytest.mark.parametrize("first", ["reply", "move"])
def test_a_reply_and_a_move_at_once_count_in_the_new_category(
    app, row_locks, moderator, other_member, thread, ideas, first
):
    """Whichever waits for the other, the reply's message ends up counted where the thread went."""
    changes = {
        "reply": lambda author, read: forum.reply(author, read, "Une réponse"),
        "move": lambda actor, read: moderation.move_thread(actor, read, "idees", "Mauvaise catégorie"),
    }
    second = "move" if first == "reply" else "reply"
    who = {"reply": other_member, "move": moderator}

    def read_then_change():
        actor, read = db.session.get(User, who[second].id), db.session.get(Thread, thread.id)
        return lambda: changes[second](actor, read)

    assert while_another_waits(app, lambda: changes[first](who[first], thread), read_then_change) == []
    assert fresh(Category, ideas.id).post_count == 2
    assert counters.find_drift() == []


@pytest.mark.parametrize("slug", ["", "inconnue", "depannage"])
def test_move_needs_another_existing_category(client, auth, moderator, thread, slug):
    auth.login(moderator)
    assert (
        client.post(
            f"/moderation/threads/{thread.id}/move", data={"category": slug, "reason": "Déplacement"}
        ).status_code
        == 400
    )


# Members


def test_suspended_member_reads_but_cannot_write_mark_or_flag_and_sees_why(
    client, auth, moderator, member, answer, thread
):
    auth.login(moderator)
    assert (
        client.post("/moderation/users/Camille/suspend", data={"days": "3", "reason": "Spam répété"}).status_code == 302
    )
    auth.login(member)
    assert client.get(f"/t/{thread.id}/{thread.slug}").status_code == 200
    response = client.post(f"/t/{thread.id}/reply", data={"body": "texte"})
    assert response.status_code == 403 and "Spam répété" in response.get_data(as_text=True)
    assert client.post(f"/p/{answer.id}/helpful").status_code == 403
    assert flag(client, auth, member, answer).status_code == 403
    assert notified(member) == ["suspended"]
    auth.login(moderator)
    client.post("/moderation/users/Camille/unsuspend", data={"reason": "Peine levée"})
    assert not fresh(User, member.id).is_suspended
    assert [line[0] for line in log_lines()] == ["suspend_user", "unsuspend_user"]


@pytest.mark.parametrize("days", ["0", "-2", "366", "abc", ""])
def test_suspension_length_is_checked(client, auth, moderator, member, days):
    auth.login(moderator)
    assert (
        client.post("/moderation/users/Camille/suspend", data={"days": days, "reason": "Spam répété"}).status_code
        == 400
    )
    assert not fresh(User, member.id).is_suspended


def test_staff_cannot_be_suspended(client, auth, moderator, admin):
    auth.login(moderator)
    assert client.post("/moderation/users/Admin/suspend", data={"days": "3", "reason": "Essai"}).status_code == 403


def test_unknown_member_is_404(client, auth, moderator):
    auth.login(moderator)
    assert client.post("/moderation/users/personne/suspend", data={"days": "3", "reason": "Essai"}).status_code == 404


@pytest.mark.parametrize("reason", ["", "  ", "ok", "x" * 501])
@pytest.mark.parametrize(
    "url",
    [
        "/moderation/posts/{post}/hide",
        "/moderation/threads/{thread}/lock",
        "/moderation/threads/{thread}/pin",
        "/moderation/users/Bastien/suspend",
    ],
)
def test_every_action_needs_a_reason(client, auth, moderator, thread, answer, url, reason):
    auth.login(moderator)
    response = client.post(url.format(post=answer.id, thread=thread.id), data={"reason": reason, "days": "2"})
    assert response.status_code == 400
    assert log_lines() == []


# The public log


def test_log_is_public_and_names_actor_target_reason(client, auth, moderator, flaggers, answer, thread):
    for user in flaggers:
        flag(client, auth, user, answer)
    auth.login(moderator)
    client.post(f"/moderation/threads/{thread.id}/lock", data={"reason": "Sujet clos"})
    auth.logout()
    page = client.get("/moderation/log").get_data(as_text=True)
    assert "system" in page and "Modo" in page and "Sujet clos" in page
    assert f"/t/{thread.id}/{thread.slug}" in page
    assert "locked a thread" in page and "hid a message after flags" in page
    filtered = client.get("/moderation/log?action=lock_thread").get_data(as_text=True)
    assert "Sujet clos" in filtered and "hid a message after flags" not in filtered.split("</select>")[1]
    assert client.get("/moderation/log?action=nimporte").status_code == 400
    assert client.get("/moderation/log?page=2").status_code == 404


def test_log_paginates(app, client, moderator, thread):
    app.config["MODERATION_LOG_PER_PAGE"] = 2
    for number in range(3):
        moderation.set_pinned(moderator, thread, number % 2 == 0, f"Raison {number}")
    db.session.commit()
    assert "Raison 0" in client.get("/moderation/log?page=2").get_data(as_text=True)
    assert "Raison 0" not in client.get("/moderation/log").get_data(as_text=True)


def test_queue_and_log_cost_a_fixed_number_of_statements(client, auth, moderator, flaggers, member, thread):
    posts = [forum.reply(member, thread, f"Message {n}") for n in range(4)]
    db.session.commit()
    flag(client, auth, flaggers[0], posts[0])
    auth.login(moderator)
    few = statements_for(client, "/moderation/flags"), statements_for(client, "/moderation/log")
    for post in posts[1:]:
        for user in flaggers[:2]:
            flag(client, auth, user, post, "other", "Encore")
    auth.login(moderator)
    client.post(f"/moderation/threads/{thread.id}/lock", data={"reason": "Assez"})
    assert (statements_for(client, "/moderation/flags"), statements_for(client, "/moderation/log")) == few
