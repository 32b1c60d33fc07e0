"""Whatever happens to posts, in whatever order, the cached figures and the ledger agree."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import utcnow
from app.errors import PermissionDenied
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post
from app.reputation import ledger
from app.reputation import services as reputation
from app.reputation.models import HelpfulMark, ReputationEvent
from tests.helpers import make_user

MEMBERS = 4
REPLIES = 4  # replies 0-2 by members 1-3, reply 3 by the thread's author

steps = st.lists(
    st.one_of(
        st.tuples(st.just("mark"), st.integers(0, MEMBERS - 1), st.integers(0, REPLIES - 1)),
        st.tuples(st.just("accept"), st.just(0), st.integers(0, REPLIES - 1)),
        st.tuples(st.just("hide"), st.just(0), st.integers(0, REPLIES - 1)),
        st.tuples(st.just("restore"), st.just(0), st.integers(0, REPLIES - 1)),
        st.tuples(st.just("delete"), st.just(0), st.integers(0, REPLIES - 1)),
    ),
    max_size=25,
)


def fresh_forum():
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    db.session.expunge_all()
    members = [make_user(f"membre{n}") for n in range(MEMBERS)]
    moderator = make_user("moderatrice", role="moderator")
    category = Category(name="Dépannage", slug="depannage")
    thread = forum.start_thread(members[0], category, "Question", "?")
    replies = [forum.reply(members[n], thread, f"Réponse {n}") for n in (1, 2, 3)]
    replies.append(forum.reply(members[0], thread, "Ma propre réponse"))
    db.session.commit()
    return members, moderator, replies


def apply(step, members, moderator, replies):
    action, who, target = step
    post = replies[target]
    if action == "mark":
        reputation.toggle_helpful(members[who], post)
    elif action == "accept":
        reputation.toggle_solution(members[0], post)
    elif action == "hide" and post.hidden_at is None:
        with reputation.points_change(post, reputation.POST_HIDDEN, actor=moderator):
            post.hidden_at = utcnow()
    elif action == "restore" and post.hidden_at is not None:
        with reputation.points_change(post, reputation.POST_RESTORED, actor=moderator):
            post.hidden_at = None
    elif action == "delete":
        forum.delete_post(post.author, post)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_cache_ledger_and_counts_always_agree(app, steps):
    members, moderator, replies = fresh_forum()
    for step in steps:
        try:
            apply(step, members, moderator, replies)
        except PermissionDenied:
            db.session.rollback()
        else:
            db.session.commit()
    assert ledger.find_drift() == []
    for post in db.session.scalars(sa.select(Post).where(Post.position > 1)):
        earned = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(ReputationEvent.delta), 0)).where(
                ReputationEvent.post_id == post.id, ReputationEvent.user_id == post.author_id
            )
        )
        assert earned == reputation.post_points(post), post
        marks = db.session.scalar(
            sa.select(sa.func.count()).select_from(HelpfulMark).where(HelpfulMark.post_id == post.id)
        )
        assert post.helpful_count == marks


@pytest.mark.parametrize("order", [("mark", "hide", "accept", "restore"), ("accept", "hide", "accept", "restore")])
def test_changes_while_hidden_do_not_leak_points(app, order):
    members, moderator, replies = fresh_forum()
    for action in order:
        try:
            apply((action, 1, 0), members, moderator, replies)
        except PermissionDenied:
            db.session.rollback()
        else:
            db.session.commit()
    assert ledger.find_drift() == []
    assert members[1].reputation == reputation.post_points(replies[0])
