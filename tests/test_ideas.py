"""Ideas: members vote for the threads of an ideas category, staff say what became of each with a
reason, and the author and the voters hear of it."""

import re
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.forum import services as forum
from app.forum.models import IDEAS, Category, Thread
from app.ideas import services as ideas
from app.ideas.models import IdeaVote
from app.moderation import services as moderation
from app.moderation.models import ModerationAction
from app.notifications.models import Notification
from app.privacy import erasure
from app.search import outbox as search_outbox
from tests import live
from tests.helpers import PASSWORD, make_user, statements_for, url_of

REASON = "Prévu pour la version de mars"
JSON = {"Accept": "application/json"}


@pytest.fixture
def ideas_category(app):
    category = Category(name="Idées", slug="idees", description="Vos idées pour la box.", position=2, kind=IDEAS)
    db.session.add(category)
    db.session.commit()
    return category


@pytest.fixture
def idea(member, ideas_category):
    idea = forum.start_thread(member, ideas_category, "Un mode nuit pour les voyants", "Ils éclairent la chambre.")
    db.session.commit()
    return idea


def votes_of(thread: Thread) -> tuple[int, int]:
    """The rows of votes and the count the thread keeps."""
    db.session.expire_all()
    rows = db.session.scalar(sa.select(sa.func.count()).select_from(IdeaVote).where(IdeaVote.thread_id == thread.id))
    return rows, db.session.get(Thread, thread.id).vote_count


# Statuses entering and leaving ideas categories


def test_a_thread_started_in_an_ideas_category_is_a_new_idea(idea, thread):
    assert (idea.idea_status, idea.vote_count) == ("new", 0)
    assert thread.idea_status is None


def test_a_thread_moved_into_an_ideas_category_becomes_new_and_keeps_its_votes_when_it_leaves(
    thread, idea, ideas_category, category, moderator, other_member
):
    moderation.move_thread(moderator, thread, "idees", "Mieux rangé ici")
    db.session.commit()
    assert thread.idea_status == "new"
    ideas.toggle_vote(other_member, thread)
    moderation.move_thread(moderator, thread, "depannage", "Plutôt une panne")
    db.session.commit()
    assert thread.idea_status is None and thread.idea_status_reason is None
    assert votes_of(thread) == (1, 1)


# Votes


def test_a_member_toggles_a_vote_and_gets_json(client, auth, idea, other_member):
    auth.login(other_member)
    first = client.post(f"/t/{idea.id}/vote", headers=JSON)
    assert (first.status_code, first.get_json()) == (200, {"voted": True, "votes": 1})
    assert votes_of(idea) == (1, 1)
    second = client.post(f"/t/{idea.id}/vote", headers=JSON)
    assert second.get_json() == {"voted": False, "votes": 0}
    assert votes_of(idea) == (0, 0)


def test_a_vote_without_javascript_redirects_back_to_the_idea(client, auth, idea, other_member):
    auth.login(other_member)
    response = client.post(f"/t/{idea.id}/vote")
    assert response.status_code == 302 and response.headers["Location"] == url_of(idea)
    assert votes_of(idea) == (1, 1)
    page = client.get(url_of(idea)).get_data(as_text=True)
    assert f'action="/t/{idea.id}/vote"' in page and 'class="vote-button" aria-pressed="true"' in page


def test_members_may_vote_for_their_own_idea(client, auth, idea, member):
    auth.login(member)
    assert client.post(f"/t/{idea.id}/vote", headers=JSON).get_json() == {"voted": True, "votes": 1}


def test_a_visitor_is_sent_to_log_in_to_vote(client, idea):
    response = client.post(f"/t/{idea.id}/vote")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert votes_of(idea) == (0, 0)


@pytest.mark.parametrize("who", ["moderator", "admin", "suspended_member"])
def test_staff_and_suspended_members_cannot_vote(request, client, auth, idea, who):
    auth.login(request.getfixturevalue(who))
    response = client.post(f"/t/{idea.id}/vote", headers=JSON)
    assert response.status_code == 403
    assert votes_of(idea) == (0, 0)


def test_a_discussion_thread_takes_no_vote(client, auth, thread, other_member):
    auth.login(other_member)
    response = client.post(f"/t/{thread.id}/vote")
    assert response.status_code == 400
    assert "Only the threads of an ideas category" in response.get_data(as_text=True)
    assert votes_of(thread) == (0, 0)


def test_a_vote_written_meanwhile_by_the_same_member_counts_once(idea, other_member, monkeypatch):
    """A double click: the second request did not see the first's vote, which the unique constraint finds."""
    ideas.toggle_vote(other_member, idea)
    db.session.commit()
    monkeypatch.setattr(ideas, "has_voted", lambda user, thread: False)
    assert ideas.toggle_vote(other_member, idea) is True
    db.session.commit()
    assert votes_of(idea) == (1, 1)


def test_votes_earn_no_reputation(idea, member, other_member):
    ideas.toggle_vote(other_member, idea)
    db.session.commit()
    db.session.refresh(member)
    assert member.reputation == 0


@pytest.fixture
def voting_forum(tmp_path, monkeypatch, server_database_url):
    """Four gunicorn workers, an idea, and twenty members ready to vote for it."""

    def fill():
        category = Category(name="Idées", slug="idees", kind=IDEAS)
        db.session.add(category)
        idea = forum.start_thread(make_user("Auteur"), category, "Un mode nuit", "Les voyants éclairent trop.")
        voters = [make_user(f"votant{n}").username for n in range(20)]
        db.session.flush()
        return idea.id, url_of(idea), voters

    server, process, filled = live.start_filled(
        tmp_path / "instance", server_database_url, fill, workers=4, monkeypatch=monkeypatch, RATELIMIT_ENABLED="false"
    )
    yield server, filled
    live.stop(process)


def vote_together(browsers, idea_id):
    start = threading.Barrier(len(browsers))
    answers = []

    def click(browser):
        start.wait()
        answers.append(browser.request("POST", f"/t/{idea_id}/vote", headers={**JSON, "X-CSRFToken": browser.token})[0])

    workers = [threading.Thread(target=click, args=(browser,)) for browser in browsers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return answers


def logged_in(server, name, url):
    browser = live.Browser(server.url)
    browser.log_in(name, PASSWORD)
    browser.token = browser.csrf_token(url)
    return browser


@pytest.mark.slow
def test_concurrent_votes_through_gunicorn_count_once_each(voting_forum):
    server, (idea_id, url, voters) = voting_forum
    browsers = [logged_in(server, name, url) for name in voters]
    assert vote_together(browsers, idea_id) == [200] * len(voters)
    server.flask("forum", "verify")  # exits 1, and so raises, if vote_count differs from the votes
    status, page = live.Browser(server.url).request("GET", url)
    assert f"{len(voters)} votes" in page


@pytest.mark.slow
def test_a_member_clicking_vote_many_times_at_once_is_counted_once_at_most(voting_forum):
    server, (idea_id, url, voters) = voting_forum
    browser = logged_in(server, voters[0], url)
    assert vote_together([browser] * 5, idea_id) == [200] * 5
    server.flask("forum", "verify")
    status, page = live.Browser(server.url).request("GET", url)
    # The page speaks French to this browser: "0 vote" and "1 vote", as English says "1 vote".
    assert re.search(r">[01] votes?<", page)


# Sorting by votes


def test_an_ideas_category_sorts_by_votes_on_request(client, ideas_category, idea, member, other_member):
    wanted = forum.start_thread(other_member, ideas_category, "Une appli pour la box", "Pour tout régler.")
    db.session.commit()
    ideas.toggle_vote(member, wanted)
    db.session.commit()
    by_activity = client.get("/c/idees").get_data(as_text=True)
    assert by_activity.index(wanted.title) < by_activity.index(idea.title)  # the latest first
    forum.reply(member, idea, "Bonne idée, et aussi pour l'écran.")
    db.session.commit()
    by_activity = client.get("/c/idees").get_data(as_text=True)
    assert by_activity.index(idea.title) < by_activity.index(wanted.title)
    by_votes = client.get("/c/idees?sort=votes").get_data(as_text=True)
    assert by_votes.index(wanted.title) < by_votes.index(idea.title)
    assert "Most voted" in by_votes


@pytest.mark.parametrize("url", ["/c/idees?sort=oldest", "/c/depannage?sort=votes"])
def test_an_unknown_sort_is_refused(client, ideas_category, category, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "The only sort is votes" in response.get_data(as_text=True)


def test_sorting_by_votes_reads_as_many_statements_whatever_the_ideas_shown(client, ideas_category, member):
    forum.start_thread(member, ideas_category, "Idée 0", "?")
    db.session.commit()
    few = statements_for(client, "/c/idees?sort=votes")
    for n in range(1, 6):
        forum.start_thread(member, ideas_category, f"Idée {n}", "?")
    db.session.commit()
    assert statements_for(client, "/c/idees?sort=votes") == few


# Statuses


STATUS_FORM = {"status": "planned", "reason": REASON}


@pytest.mark.parametrize(
    "who, expected", [("visitor", 302), ("other_member", 403), ("member", 403), ("moderator", 302), ("admin", 302)]
)
def test_only_staff_set_the_status_of_an_idea(request, client, auth, idea, who, expected):
    if who != "visitor":
        auth.login(request.getfixturevalue(who))
    response = client.post(f"/moderation/threads/{idea.id}/status", data=STATUS_FORM)
    assert response.status_code == expected
    db.session.expire_all()
    if who in ("moderator", "admin"):
        assert response.headers["Location"] == url_of(idea)
        assert (idea.idea_status, idea.idea_status_reason) == ("planned", REASON)
    else:
        if who == "visitor":
            assert response.headers["Location"].startswith("/login")
        assert (idea.idea_status, idea.idea_status_reason) == ("new", None)


@pytest.mark.parametrize(
    "form, message",
    [
        ({"status": "planned", "reason": ""}, "Give the reason"),
        ({"status": "planned", "reason": "x" * 501}, "at most 500 characters"),
        ({"status": "shipped", "reason": REASON}, "Choose one of: new, under_review, planned, done, declined."),
        ({"reason": REASON}, "Choose one of"),
    ],
)
def test_a_status_needs_a_known_status_and_a_reason(client, auth, idea, moderator, form, message):
    auth.login(moderator)
    response = client.post(f"/moderation/threads/{idea.id}/status", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert idea.idea_status == "new"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModerationAction)) == 0


def test_a_discussion_thread_takes_no_status(client, auth, thread, moderator):
    auth.login(moderator)
    response = client.post(f"/moderation/threads/{thread.id}/status", data=STATUS_FORM)
    assert response.status_code == 400
    db.session.expire_all()
    assert thread.idea_status is None


def test_a_status_writes_a_line_of_the_public_log(client, auth, idea, moderator):
    auth.login(moderator)
    client.post(f"/moderation/threads/{idea.id}/status", data=STATUS_FORM)
    line = db.session.scalar(sa.select(ModerationAction))
    assert (line.actor_id, line.action, line.reason, line.thread_id) == (moderator.id, "idea_planned", REASON, idea.id)
    auth.logout()
    page = client.get("/moderation/log").get_data(as_text=True)
    assert "planned an idea" in page and REASON in page and idea.title in page


def test_the_author_and_every_voter_hear_of_a_status_but_not_the_moderator(
    client, auth, idea, member, other_member, moderator
):
    voter, quiet = make_user("Chloe"), make_user("Denis")
    for each in (other_member, voter, member):
        ideas.toggle_vote(each, idea)
    db.session.commit()
    ideas.set_status(moderator, idea, "done", "Disponible depuis la mise à jour 4.2")
    db.session.commit()
    told = db.session.execute(sa.select(Notification.user_id, Notification.kind, Notification.actor_id)).all()
    assert sorted(told) == sorted(
        (user.id, "idea_status", moderator.id) for user in (member, other_member, voter)
    )  # the author once, though she voted too; not Denis, not the moderator
    assert quiet.id not in {user_id for user_id, _kind, _actor in told}
    auth.login(other_member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "The idea “Un mode nuit pour les voyants” is now: Done" in page
    assert "Disponible depuis la mise à jour 4.2" in page


def test_the_status_and_its_reason_show_on_the_idea_and_in_the_listings(client, idea, moderator):
    ideas.set_status(moderator, idea, "under_review", "Nous étudions la faisabilité")
    db.session.commit()
    search_outbox.apply_pending(everything=True)  # the idea was started outside a request
    thread_page = client.get(url_of(idea)).get_data(as_text=True)
    assert "Under review" in thread_page and "Nous étudions la faisabilité" in thread_page
    assert "0 votes" in thread_page and "Log in to vote" in thread_page
    for listing in ("/c/idees", "/", "/search?q=voyants"):
        page = client.get(listing).get_data(as_text=True)
        assert 'tag--idea-under_review">Under review</span>' in page, listing
        assert "Nous étudions la faisabilité" in page, listing


def test_a_long_reason_is_shortened_in_a_listing_and_whole_on_the_idea(client, idea, moderator):
    reason = "Nous étudions la faisabilité " + "avec le fabricant " * 20 + "au complet."
    ideas.set_status(moderator, idea, "planned", reason)
    db.session.commit()
    assert reason in client.get(url_of(idea)).get_data(as_text=True)
    listing = client.get("/c/idees").get_data(as_text=True)
    assert "Nous étudions la faisabilité" in listing and "au complet." not in listing


def test_staff_see_the_status_form_on_an_idea_only(client, auth, idea, thread, moderator):
    auth.login(moderator)
    assert f'action="/moderation/threads/{idea.id}/status"' in client.get(url_of(idea)).get_data(as_text=True)
    assert "/status" not in client.get(url_of(thread)).get_data(as_text=True)


# Categories of kind ideas


def test_an_admin_creates_an_ideas_category(client, auth, admin):
    auth.login(admin)
    form = {"name": "Suggestions", "slug": "", "description": "", "kind": "ideas", "reason": "Pour vos idées"}
    response = client.post("/admin/categories/new", data=form)
    assert response.status_code == 302
    category = db.session.scalar(sa.select(Category).where(Category.slug == "suggestions"))
    assert category.holds_ideas
    assert 'name="kind"' in client.get(f"/admin/categories/{category.id}/edit").get_data(as_text=True)


def test_a_category_without_kind_is_a_discussion_and_an_unknown_kind_is_refused(client, auth, admin):
    auth.login(admin)
    form = {"name": "Pannes", "slug": "", "description": "", "reason": "Pour les pannes"}
    assert client.post("/admin/categories/new", data=form).status_code == 302
    assert not db.session.scalar(sa.select(Category).where(Category.slug == "pannes")).holds_ideas
    response = client.post("/admin/categories/new", data=form | {"name": "Autre", "kind": "poll"})
    assert response.status_code == 400
    assert "A category&#39;s kind is discussion or ideas." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Category).where(Category.slug == "autre")) is None


def test_changing_a_categorys_kind_gives_or_takes_its_threads_status(
    client, auth, admin, category, thread, other_member
):
    auth.login(admin)
    form = {"name": category.name, "slug": category.slug, "description": "", "reason": "Des idées ici"}
    assert client.post(f"/admin/categories/{category.id}/edit", data=form | {"kind": "ideas"}).status_code == 302
    db.session.expire_all()
    assert thread.idea_status == "new"
    ideas.toggle_vote(other_member, thread)
    db.session.commit()
    assert client.post(f"/admin/categories/{category.id}/edit", data=form | {"kind": "discussion"}).status_code == 302
    db.session.expire_all()
    assert thread.idea_status is None
    assert votes_of(thread) == (1, 1)


# Counters and the member's data


def test_forum_verify_reports_a_vote_count_that_drifted(runner, idea, other_member):
    ideas.toggle_vote(other_member, idea)
    db.session.commit()
    assert runner.invoke(args=["forum", "verify"]).exit_code == 0
    db.session.execute(sa.update(Thread).where(Thread.id == idea.id).values(vote_count=5))
    db.session.commit()
    result = runner.invoke(args=["forum", "verify"])
    assert result.exit_code == 1
    assert f"thread {idea.id} votes" in result.output


def test_the_export_lists_the_members_votes(client, auth, idea, other_member):
    ideas.toggle_vote(other_member, idea)
    db.session.commit()
    auth.login(other_member)
    votes = client.get("/account/export").get_json()["idea_votes"]
    assert [vote["thread_id"] for vote in votes] == [idea.id]


def test_an_erased_account_leaves_its_votes_counted(runner, idea, other_member):
    ideas.toggle_vote(other_member, idea)
    db.session.commit()
    erasure.erase_account(other_member, PASSWORD, delete_posts=True)
    db.session.commit()
    assert votes_of(idea) == (1, 1)
    assert runner.invoke(args=["forum", "verify"]).exit_code == 0
