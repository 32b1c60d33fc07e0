"""Every state-changing route, tried by every kind of user, answers as the design's table says.

The scene: Camille starts a thread and Bastien answers it; Camille also answers a thread of
Bastien's, flags exist, and one of Camille's replies is hidden. "author" is Camille: the author of
the post or thread each route acts on."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.forum import services as forum
from app.forum.models import IDEAS, Category
from app.moderation import services as moderation
from app.moderation.models import ModerationAction
from tests.helpers import make_user

OK, LOGIN, FORBIDDEN = "ok", "login", "forbidden"
ROLES = ("visitor", "member", "suspended_member", "author", "moderator", "admin")


def expect(
    visitor=LOGIN, member=FORBIDDEN, suspended=FORBIDDEN, author=FORBIDDEN, moderator=FORBIDDEN, admin=FORBIDDEN
):
    return dict(zip(ROLES, (visitor, member, suspended, author, moderator, admin), strict=True))


MEMBERS_WRITE = expect(member=OK, author=OK)
AUTHOR_ONLY = expect(author=OK)
STAFF_ONLY = expect(moderator=OK, admin=OK)
ADMIN_ONLY = expect(admin=OK)
# What an account chooses for itself: which threads to hear of, what it has read.
EVERY_ACCOUNT = expect(member=OK, suspended=OK, author=OK, moderator=OK, admin=OK)

# route, form, expected answer per role
ROUTES = [
    ("/c/depannage/new", {"title": "Nouveau sujet", "body": "texte"}, MEMBERS_WRITE),
    ("/t/{thread}/reply", {"body": "Une réponse"}, MEMBERS_WRITE),
    ("/p/{own_reply}/edit", {"body": "Corrigé"}, AUTHOR_ONLY),
    ("/p/{own_reply}/delete", {}, AUTHOR_ONLY),
    ("/p/{own_reply}/helpful", {}, expect(member=OK)),  # never one's own, never staff
    ("/p/{answer}/solution", {}, AUTHOR_ONLY),  # the thread's author
    ("/p/{own_reply}/flag", {"reason": "spam"}, expect(member=OK)),
    ("/p/{hidden_reply}/review", {}, AUTHOR_ONLY),
    ("/moderation/posts/{own_reply}/hide", {"reason": "Hors charte"}, STAFF_ONLY),
    ("/moderation/posts/{hidden_reply}/restore", {"reason": "Relu, correct"}, STAFF_ONLY),
    ("/moderation/flags/{answer}/dismiss", {"reason": "Infondé"}, STAFF_ONLY),
    ("/moderation/threads/{thread}/lock", {"reason": "Clos"}, STAFF_ONLY),
    ("/moderation/threads/{locked_thread}/unlock", {"reason": "Rouvert"}, STAFF_ONLY),
    ("/moderation/threads/{thread}/pin", {"reason": "Important"}, STAFF_ONLY),
    ("/moderation/threads/{pinned_thread}/unpin", {"reason": "Plus important"}, STAFF_ONLY),
    ("/moderation/threads/{thread}/move", {"category": "idees", "reason": "Mieux rangé"}, STAFF_ONLY),
    ("/moderation/users/Bastien/suspend", {"days": "2", "reason": "Spam"}, STAFF_ONLY),
    ("/moderation/users/Suspendu/unsuspend", {"reason": "Peine levée"}, STAFF_ONLY),
    ("/t/{idea}/vote", {}, expect(member=OK, author=OK)),  # members, their own ideas too; never staff
    ("/moderation/threads/{idea}/status", {"status": "planned", "reason": "Prévu"}, STAFF_ONLY),
    ("/t/{thread}/watch", {}, EVERY_ACCOUNT),
    ("/t/{thread}/mute", {}, EVERY_ACCOUNT),
    ("/notifications/read", {}, EVERY_ACCOUNT),
]


@pytest.fixture
def scene(member, other_member, suspended_member, moderator, admin, category):
    ideas = Category(name="Idées", slug="idees", kind=IDEAS)
    db.session.add(ideas)
    idea = forum.start_thread(member, ideas, "Idée de Camille", "Et si ?")
    thread = forum.start_thread(member, category, "Question de Camille", "?")
    answer = forum.reply(other_member, thread, "Réponse de Bastien")
    elsewhere = forum.start_thread(other_member, category, "Question de Bastien", "?")
    own_reply = forum.reply(member, elsewhere, "Réponse de Camille")
    hidden_reply = forum.reply(member, elsewhere, "Réponse masquée de Camille")
    locked = forum.start_thread(member, category, "Sujet verrouillé", "?")
    pinned = forum.start_thread(member, category, "Sujet épinglé", "?")
    flagger = make_user("Vigilant")
    db.session.flush()
    moderation.flag_post(flagger, answer, "spam")
    moderation.hide_post(moderator, hidden_reply, "Hors charte")
    moderation.set_locked(moderator, locked, True, "Clos")
    moderation.set_pinned(moderator, pinned, True, "Important")
    db.session.commit()
    return {
        "thread": thread.id,
        "answer": answer.id,
        "own_reply": own_reply.id,
        "hidden_reply": hidden_reply.id,
        "locked_thread": locked.id,
        "pinned_thread": pinned.id,
        "idea": idea.id,
        "users": {
            "member": other_member,
            "suspended_member": suspended_member,
            "author": member,
            "moderator": moderator,
            "admin": admin,
        },
    }


def test_the_routes_cover_every_state_changing_endpoint(app):
    """A new POST route must join the table below (or the admin's own table in test_admin.py)."""
    covered = {
        "forum.new_thread",
        "forum.reply",
        "forum.edit_post",
        "forum.delete_post",
        "reputation.helpful",
        "reputation.solution",
        "moderation.flag",
        "moderation.request_review",
        "moderation.hide_post",
        "moderation.restore_post",
        "moderation.dismiss_flags",
        "moderation.thread_action",
        "moderation.move_thread",
        "moderation.suspension",
        "notifications.watch",
        "notifications.mute",
        "notifications.mark_read",
        "ideas.vote",
        "ideas.status",
    }
    own_account = {
        "accounts.register",
        "accounts.login",
        "accounts.logout",
        "accounts.change_password",
        "accounts.change_email",
        "accounts.change_language",
        "accounts.resend_confirmation",
        "accounts.request_password_reset",
        "privacy.delete_account",
        "notifications.preferences",
    }
    # Allowed by the signed token in their address, to whoever holds it (tests in test_account_emails.py
    # and test_notification_email.py).
    by_token = {"accounts.reset_password", "notifications.unsubscribe"}
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    unchecked = posting - covered - own_account - by_token
    uncovered = {endpoint for endpoint in unchecked if not endpoint.startswith("admin.")}
    assert uncovered == set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url, form, expected", ROUTES, ids=[route[0] for route in ROUTES])
def test_permission_matrix(client, auth, scene, url, form, expected, role):
    if role != "visitor":
        auth.login(scene["users"][role])
    log_before = db.session.scalar(sa.select(sa.func.count()).select_from(ModerationAction))
    response = client.post(url.format(**scene), data=form)
    outcome = expected[role]
    if outcome == LOGIN:
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), response.status_code
    elif outcome == FORBIDDEN:
        assert response.status_code == 403, response.status_code
    else:
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
        assert not response.headers.get("Location", "").startswith("/login")
    if outcome != OK:
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModerationAction)) == log_before
