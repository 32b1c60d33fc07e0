import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post, Thread
from app.moderation import services as moderation
from app.reputation import badges, ledger
from app.reputation import services as reputation
from app.reputation.models import Badge, HelpfulMark, ReputationEvent
from app.reputation.ranks import rank_for
from tests.helpers import make_user, while_another_waits


def reputation_of(user: User) -> int:
    db.session.expire_all()
    return db.session.get(User, user.id).reputation


def ledger_sum(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ReputationEvent.delta), 0)).where(ReputationEvent.user_id == user.id)
    )


@pytest.fixture
def answer(thread, other_member):
    """A reply by Bastien to Camille's question."""
    post = forum.reply(other_member, thread, "Essayez de **réinitialiser** la box.")
    db.session.commit()
    return post


@pytest.fixture
def third_member(app):
    return make_user("Chloé")


def opening_post(thread: Thread) -> Post:
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1))


# Helpful marks


def test_marking_a_reply_helpful_gives_its_author_ten_points(client, auth, member, other_member, answer):
    auth.login(member)
    response = client.post(f"/p/{answer.id}/helpful")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#p{answer.id}")
    assert reputation_of(other_member) == 10
    event = db.session.scalar(sa.select(ReputationEvent))
    assert (event.user_id, event.delta, event.reason, event.post_id, event.actor_id) == (
        other_member.id,
        10,
        "helpful",
        answer.id,
        member.id,
    )


def test_clicking_again_withdraws_the_mark_and_the_points(client, auth, member, other_member, answer):
    auth.login(member)
    client.post(f"/p/{answer.id}/helpful")
    client.post(f"/p/{answer.id}/helpful")
    assert reputation_of(other_member) == 0
    assert [e.delta for e in db.session.scalars(sa.select(ReputationEvent).order_by(ReputationEvent.id))] == [10, -10]
    assert db.session.get(Post, answer.id).helpful_count == 0


def test_helpful_answers_json_when_asked(client, auth, member, answer):
    auth.login(member)
    headers = {"Accept": "application/json"}
    assert client.post(f"/p/{answer.id}/helpful", headers=headers).get_json() == {"helpful": True, "count": 1}
    assert client.post(f"/p/{answer.id}/helpful", headers=headers).get_json() == {"helpful": False, "count": 0}


def test_thread_page_shows_counts_and_which_replies_the_viewer_marked(
    client, auth, member, third_member, answer, thread
):
    auth.login(third_member)
    client.post(f"/p/{answer.id}/helpful")
    auth.login(member)
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    reply = page[page.index(f'id="p{answer.id}"') :]
    assert 'aria-pressed="false"' in reply and '<span class="helpful-count">1</span>' in reply
    client.post(f"/p/{answer.id}/helpful")
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    assert 'aria-pressed="true"' in page[page.index(f'id="p{answer.id}"') :]


@pytest.mark.parametrize(
    "who, target, status",
    [
        ("other_member", "answer", 403),  # own reply
        ("member", "opening", 403),  # the question
        ("moderator", "answer", 403),
        ("admin", "answer", 403),
        ("suspended_member", "answer", 403),
        (None, "answer", 302),  # visitors are sent to log in
    ],
)
def test_who_may_not_mark_helpful(request, client, auth, thread, answer, who, target, status):
    if who:
        auth.login(request.getfixturevalue(who))
    post = answer if target == "answer" else opening_post(thread)
    response = client.post(f"/p/{post.id}/helpful")
    assert response.status_code == status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HelpfulMark)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReputationEvent)) == 0


def test_staff_cannot_mark_helpful(moderator, answer):
    assert reputation.helpful_refusal(moderator, answer) is not None
    with pytest.raises(reputation.PermissionDenied):
        reputation.toggle_helpful(moderator, answer)


def test_unknown_post_is_404(client, auth, member):
    auth.login(member)
    assert client.post("/p/9999/helpful").status_code == 404
    assert client.post("/p/9999/solution").status_code == 404


def test_one_mark_per_member_and_post_is_a_database_rule(member, answer):
    db.session.add_all(
        [HelpfulMark(post_id=answer.id, user_id=member.id), HelpfulMark(post_id=answer.id, user_id=member.id)]
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_marking_works_without_javascript_and_the_script_is_served(client, thread, answer):
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    assert re.search(r'<script src="/static/js/entraide\.js\?v=[0-9a-f]{12}" defer></script>', page)
    assert "X-CSRFToken" in client.get("/static/js/entraide.js").get_data(as_text=True)


# Accepted solutions


def test_thread_author_accepts_a_reply_for_fifteen_points(client, auth, member, other_member, thread, answer):
    auth.login(member)
    assert client.post(f"/p/{answer.id}/solution").status_code == 302
    assert db.session.get(Thread, thread.id).solution_post_id == answer.id
    assert reputation_of(other_member) == 15
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    assert page.index('class="accepted-solution"') < page.index(f'id="p{answer.id}"')
    assert "réinitialiser" in page[page.index('class="accepted-solution"') : page.index(f'id="p{answer.id}"')]
    assert "tag--solved" in client.get("/c/depannage").get_data(as_text=True)


def test_accepting_again_withdraws_the_solution(client, auth, member, other_member, thread, answer):
    auth.login(member)
    client.post(f"/p/{answer.id}/solution")
    client.post(f"/p/{answer.id}/solution")
    assert db.session.get(Thread, thread.id).solution_post_id is None
    assert reputation_of(other_member) == 0


def test_accepting_another_reply_replaces_the_solution(
    client, auth, member, other_member, third_member, thread, answer
):
    better = forum.reply(third_member, thread, "Mettez à jour le firmware.")
    db.session.commit()
    auth.login(member)
    client.post(f"/p/{answer.id}/solution")
    client.post(f"/p/{better.id}/solution")
    assert db.session.get(Thread, thread.id).solution_post_id == better.id
    assert (reputation_of(other_member), reputation_of(third_member)) == (0, 15)


def test_accepting_ones_own_reply_earns_nothing(client, auth, member, thread):
    own = forum.reply(member, thread, "J'ai trouvé : il fallait la débrancher.")
    db.session.commit()
    auth.login(member)
    client.post(f"/p/{own.id}/solution")
    assert db.session.get(Thread, thread.id).solution_post_id == own.id
    assert reputation_of(member) == 0


@pytest.mark.parametrize("who", ["other_member", "moderator", "admin"])
def test_only_the_thread_author_accepts(request, client, auth, thread, answer, who):
    auth.login(request.getfixturevalue(who))
    assert client.post(f"/p/{answer.id}/solution").status_code == 403
    assert db.session.get(Thread, thread.id).solution_post_id is None


def test_the_question_cannot_be_its_own_solution(client, auth, member, thread):
    auth.login(member)
    assert client.post(f"/p/{opening_post(thread).id}/solution").status_code == 403


def test_solved_filter_on_category_pages(client, auth, member, category, thread, answer):
    open_question = forum.start_thread(member, category, "Question encore ouverte", "?")
    db.session.commit()
    reputation.toggle_solution(member, answer)
    db.session.commit()
    solved = client.get("/c/depannage?solved=yes").get_data(as_text=True)
    unsolved = client.get("/c/depannage?solved=no").get_data(as_text=True)
    assert thread.title in solved and open_question.title not in solved
    assert open_question.title in unsolved and thread.title not in unsolved
    assert client.get("/c/depannage?solved=peut-etre").status_code == 400


# When a post leaves view


def test_deleting_a_reply_takes_its_points_back(client, auth, member, other_member, answer):
    reputation.toggle_helpful(member, answer)
    reputation.toggle_solution(member, answer)
    db.session.commit()
    assert reputation_of(other_member) == 25
    auth.login(other_member)
    client.post(f"/p/{answer.id}/delete")
    assert reputation_of(other_member) == 0
    assert db.session.get(Thread, answer.thread_id).solution_post_id is None


def test_hiding_reverses_the_points_and_restoring_gives_them_back(member, other_member, moderator, answer):
    reputation.toggle_helpful(member, answer)
    reputation.toggle_solution(member, answer)
    db.session.commit()
    with reputation.points_change(answer, reputation.POST_HIDDEN, actor=moderator):
        answer.hidden_at = utcnow()
    db.session.commit()
    assert reputation_of(other_member) == 0
    with reputation.points_change(answer, reputation.POST_RESTORED, actor=moderator):
        answer.hidden_at = None
    db.session.commit()
    assert reputation_of(other_member) == 25
    reasons = list(db.session.scalars(sa.select(ReputationEvent.reason).order_by(ReputationEvent.id)))
    assert reasons == ["helpful", "solution", "post_hidden", "post_restored"]


def test_staff_never_earn_reputation(member, answer):
    author = db.session.get(User, answer.author_id)
    author.role = "moderator"
    db.session.commit()
    assert reputation.post_points(answer) == 0


# While others change the same post (PostgreSQL's row locks)


def test_a_mark_that_waited_for_a_hide_is_refused_and_earns_nothing(
    app, row_locks, member, moderator, other_member, answer
):
    def mark():
        marker, post = db.session.get(User, member.id), db.session.get(Post, answer.id)
        return lambda: reputation.toggle_helpful(marker, post)

    raised = while_another_waits(app, lambda: moderation.hide_post(moderator, answer, "Hors sujet"), mark)
    assert [str(error) for error in raised] == ["Ce message n'est plus affiché."]
    assert reputation_of(other_member) == 0
    assert ledger.find_drift() == []


def test_a_solution_chosen_while_its_post_is_hidden_is_refused(app, row_locks, member, moderator, answer):
    def choose():
        author, post = db.session.get(User, member.id), db.session.get(Post, answer.id)
        return lambda: reputation.toggle_solution(author, post)

    raised = while_another_waits(app, lambda: moderation.hide_post(moderator, answer, "Hors sujet"), choose)
    assert [str(error) for error in raised] == ["Ce message n'est plus affiché."]
    assert db.session.get(Thread, answer.thread_id).solution_post_id is None
    assert ledger.find_drift() == []


def test_a_solution_changed_while_the_previous_one_is_deleted_counts_each_once(
    app, row_locks, member, other_member, third_member, thread, answer
):
    reputation.toggle_solution(member, answer)
    better = forum.reply(third_member, thread, "Changez le câble.")
    db.session.commit()

    def change():
        author, post = db.session.get(User, member.id), db.session.get(Post, better.id)
        return lambda: reputation.toggle_solution(author, post)

    assert while_another_waits(app, lambda: forum.delete_post(other_member, answer), change) == []
    assert db.session.get(Thread, thread.id).solution_post_id == better.id
    assert (reputation_of(other_member), reputation_of(third_member)) == (0, reputation.SOLUTION_POINTS)
    assert ledger.find_drift() == []


# The ledger and its commands


def test_verify_reports_agreement(runner, member, other_member, answer):
    reputation.toggle_helpful(member, answer)
    db.session.commit()
    result = runner.invoke(args=["reputation", "verify"])
    assert result.exit_code == 0, result.output


def test_verify_exits_1_on_drift_and_rebuild_repairs(runner, member, other_member, answer):
    reputation.toggle_helpful(member, answer)
    db.session.commit()
    db.session.execute(sa.update(User).where(User.id == other_member.id).values(reputation=999))
    db.session.execute(sa.update(Post).where(Post.id == answer.id).values(helpful_count=7))
    db.session.commit()
    result = runner.invoke(args=["reputation", "verify"])
    assert result.exit_code == 1
    assert "user Bastien: cached 999, actual 10" in result.output
    assert f"post {answer.id} helpful count: cached 7, actual 1" in result.output
    assert runner.invoke(args=["reputation", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["reputation", "verify"]).exit_code == 0
    assert reputation_of(other_member) == 10


def test_rebuild_queues_repaired_helpful_counts_for_the_index(runner, member, other_member, answer):
    reputation.toggle_helpful(member, answer)
    db.session.commit()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    db.session.execute(sa.delete(HelpfulMark))  # the count, and the index, now say one mark too many
    db.session.commit()
    assert runner.invoke(args=["reputation", "rebuild"]).exit_code == 0
    assert db.session.get(Post, answer.id).helpful_count == 0
    # The test's runner shares the test's application context, whose end would apply the queue.
    assert runner.invoke(args=["search", "drain"]).output == "Applied 1 queued changes.\n"
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output


# Ranks and badges


@pytest.mark.parametrize(
    "points, rank",
    [
        (0, "newcomer"),
        (49, "newcomer"),
        (50, "contributor"),
        (199, "contributor"),
        (200, "helper"),
        (1000, "expert"),
        (4999, "expert"),
        (5000, "super-contributor"),
    ],
)
def test_ranks_follow_reputation(points, rank):
    assert rank_for(points).key == rank


def test_rank_is_shown_beside_authors(client, other_member, thread, answer):
    other_member.reputation = 60
    db.session.commit()
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    assert "rank--contributor" in page and "rank--newcomer" in page


def test_first_helpful_reply_and_first_solution_badges_are_awarded_once(member, third_member, other_member, answer):
    reputation.toggle_helpful(member, answer)
    reputation.toggle_helpful(third_member, answer)
    reputation.toggle_helpful(member, answer)
    reputation.toggle_helpful(member, answer)
    reputation.toggle_solution(member, answer)
    db.session.commit()
    keys = list(db.session.scalars(sa.select(Badge.key).where(Badge.user_id == other_member.id).order_by(Badge.key)))
    assert keys == ["first-helpful", "first-solution"]


def test_ten_helpful_replies_earn_a_badge(member, other_member, thread):
    for number in range(10):
        post = forum.reply(other_member, thread, f"Réponse {number}")
        reputation.toggle_helpful(member, post)
    db.session.commit()
    assert {badge.kind.key for badge in badges.badges_of(other_member)} == {"first-helpful", "helpful-10"}


def test_anniversary_badge_is_dated_one_year_after_joining(app):
    veteran = make_user("Ancienne", created_at=utcnow() - timedelta(days=400))
    (badge,) = badges.badges_of(veteran)
    assert badge.kind.key == "anniversary"
    assert badge.awarded_at == veteran.created_at + timedelta(days=365)
    assert badges.badges_of(make_user("Novice")) == []


def test_profile_shows_reputation_rank_badges_and_readable_history(client, member, other_member, thread, answer):
    reputation.toggle_helpful(member, answer)
    reputation.toggle_solution(member, answer)
    db.session.commit()
    page = client.get("/u/Bastien").get_data(as_text=True)
    assert '<dd class="reputation">25</dd>' in page
    assert "First helpful reply" in page and "First solution" in page
    assert "+10" in page and "reply marked helpful" in page and thread.title in page
    assert "+15" in page and "reply accepted as the solution" in page
    assert "Most helpful replies" in page


# Leaderboard


def test_leaderboard_ranks_members_all_time_recently_and_per_category(
    client, member, other_member, third_member, thread, answer
):
    other_category = Category(name="Idées", slug="idees")
    db.session.add(other_category)
    idea = forum.start_thread(member, other_category, "Une idée", "texte")
    idea_reply = forum.reply(third_member, idea, "Bonne idée")
    reputation.toggle_helpful(member, answer)
    reputation.toggle_solution(member, answer)
    reputation.toggle_helpful(member, idea_reply)
    old_event = ReputationEvent(
        user_id=third_member.id, delta=50, reason="helpful", created_at=utcnow() - timedelta(days=60)
    )
    db.session.add(old_event)
    third_member.reputation = User.reputation + 50
    db.session.commit()
    page = client.get("/leaderboard").get_data(as_text=True)
    all_time, recent = page.split("Last 30 days")
    assert all_time.index("Chloé") < all_time.index("Bastien")  # 60 against 25
    assert recent.index("Bastien") < recent.index("Chloé")  # 25 against 10 this month
    ideas = client.get("/leaderboard?category=idees").get_data(as_text=True)
    assert "Chloé" in ideas and "Bastien" not in ideas
    assert client.get("/leaderboard?category=inconnue").status_code == 404


def test_leaderboard_leaves_out_staff(client, moderator):
    moderator.reputation = 500
    db.session.commit()
    assert "Modo" not in client.get("/leaderboard").get_data(as_text=True)


# Trust


LINKS = "Voir https://example.org/a, https://example.org/b et https://example.org/c."


def test_new_members_may_post_at_most_two_links(client, auth, other_member, thread):
    auth.login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": LINKS})
    assert response.status_code == 400
    assert "at most 2 links" in response.get_data(as_text=True)
    assert (
        client.post(
            f"/t/{thread.id}/reply", data={"body": "Voir https://example.org/a et https://example.org/b"}
        ).status_code
        == 302
    )


def test_trusted_members_may_post_more_links(client, auth, other_member, thread):
    other_member.reputation = 10
    db.session.commit()
    auth.login(other_member)
    assert client.post(f"/t/{thread.id}/reply", data={"body": LINKS}).status_code == 302


def test_link_limit_applies_to_new_threads_and_edits_and_is_configurable(app, client, auth, member, category, thread):
    auth.login(member)
    assert client.post("/c/depannage/new", data={"title": "Liens", "body": LINKS}).status_code == 400
    opening = opening_post(thread)
    assert client.post(f"/p/{opening.id}/edit", data={"title": thread.title, "body": LINKS}).status_code == 400
    app.config["NEW_MEMBER_MAX_LINKS"] = 5
    assert client.post("/c/depannage/new", data={"title": "Liens", "body": LINKS}).status_code == 302


@pytest.fixture
def rate_limited_config(app_config):
    app_config.update(
        RATELIMIT_ENABLED=True, RATELIMIT_POSTING="5 per minute", RATELIMIT_POSTING_NEW_MEMBER="1 per minute"
    )
    return app_config


def test_new_members_post_at_a_slower_rate(rate_limited_config, client, auth, member, other_member, thread):
    auth.login(other_member)
    answers = [client.post(f"/t/{thread.id}/reply", data={"body": f"n°{n}"}).status_code for n in range(2)]
    assert answers == [302, 429]
    member.reputation = 10
    db.session.commit()
    auth.login(member)
    answers = [client.post(f"/t/{thread.id}/reply", data={"body": f"n°{n}"}).status_code for n in range(3)]
    assert answers == [302, 302, 302]


def test_ledger_find_drift_is_empty_on_a_fresh_forum(app, answer):
    assert ledger.find_drift() == []
