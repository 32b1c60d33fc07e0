"""The insights page: weekly figures computed by hand below, the lists beside them, who may read
them, their CSV, and the searches that found nothing, counted without a trace of who searched.

The community: "now" is Wednesday 18 March 2026 at noon (UTC), so the twelve weeks start on Monday
29 December 2025 and the last two are the weeks of 9 and 16 March.

Week of 9 March: four questions (a fifth is deleted).
- T1 (Mon 10:00), answered by Helper 5 hours later; that answer is the solution.
- T2 (Tue 08:00): its asker replies to himself an hour later (no answer), Helper2 answers after 26 hours.
- T3 (Wed 09:00): a reply at 09:30 was deleted; Helper answers at 10:00, 1 hour after.
- T5 (Fri 12:00): no reply.
→ answered within 24 hours 2 of 4 (50 %), median first answer 5 h (of 1 h, 5 h, 26 h), solved 1 of 4
(25 %), members who answered: Asker, Helper, Helper2 and Ancien (a reply on T1) → 4.

Week of 16 March: T7 (Mon 08:00) answered by Helper an hour later; T6 (Wed 06:00), six hours old
and unanswered, is not yet settled → 1 of 1 settled (100 %), median 1 h, 0 solved, 1 member answered.
"""

import csv
import io
import re
import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import visits
from app.accounts.models import MODERATOR
from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post, Thread
from app.insights import cli as insights_cli
from app.insights import figures as insights
from app.insights import keeping, snapshots
from app.insights.models import InsightsSnapshot, SearchMiss
from app.insights.spreadsheet import COLUMNS
from app.reputation import services as reputation
from app.reputation.models import HelpfulMark
from app.search import outbox
from tests import live
from tests.helpers import PASSWORD, counting_statements, make_user, opening_of, statements_for

NOW = datetime(2026, 3, 18, 12, 0)
WEEK_OF_9_MARCH, WEEK_OF_16_MARCH = 10, 11


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute)


def started(author, category, title: str, when: datetime) -> Thread:
    thread = forum.start_thread(author, category, title, "Une question.")
    db.session.flush()
    thread.created_at = when
    opening_of(thread).created_at = when
    return thread


def replied(author, thread: Thread, when: datetime) -> Post:
    post = forum.reply(author, thread, "Une réponse.")
    db.session.flush()
    post.created_at = when
    return post


def marked(member, post: Post, when: datetime) -> None:
    reputation.toggle_helpful(member, post)
    db.session.flush()
    db.session.execute(
        sa.update(HelpfulMark)
        .where(HelpfulMark.post_id == post.id, HelpfulMark.user_id == member.id)
        .values(created_at=when)
    )


@pytest.fixture
def community(app, category):
    asker, asker2 = make_user("Asker"), make_user("Asker2")
    helper, helper2, ancien = make_user("Helper"), make_user("Helper2"), make_user("Ancien")
    old = started(asker, category, "Une question de décembre", datetime(2025, 12, 20, 9, 0))
    t1 = started(asker, category, "Box muette", at(9, 10))
    answer1 = replied(helper, t1, at(9, 15))
    ancien_reply = replied(ancien, t1, at(9, 20))
    reputation.toggle_solution(asker, answer1)
    t2 = started(asker, category, "Wifi lent", at(10, 8))
    replied(asker, t2, at(10, 9))
    answer2 = replied(helper2, t2, at(11, 10))
    t3 = started(asker2, category, "Télécommande", at(11, 9))
    deleted = replied(helper2, t3, at(11, 9, 30))
    answer3 = replied(helper, t3, at(11, 10))
    t4 = started(asker, category, "Effacée", at(12, 9))
    t5 = started(asker, category, "Sans réponse", at(13, 12))
    t6 = started(asker2, category, "Toute neuve", at(18, 6))
    t7 = started(asker2, category, "Facture", at(16, 8))
    replied(helper, t7, at(16, 9))
    db.session.flush()
    forum.delete_post(helper2, deleted)
    t4.deleted_at = at(12, 10)
    marked(asker, answer1, at(9, 16))
    marked(asker2, answer3, at(11, 11))
    marked(asker, answer2, at(11, 12))
    marked(asker2, answer2, at(11, 13))
    for member in (asker, asker2, helper):
        marked(member, ancien_reply, at(10, 8))
    ancien.role = MODERATOR  # staff now: never among the top helpers
    t1.view_count, t3.view_count, t4.view_count = 50, 20, 100
    t2.idea_status, t6.idea_status, t7.idea_status = "declined", "planned", "planned"
    db.session.add_all(
        [
            SearchMiss(query="box 5g", day=date(2026, 3, 10), count=3),
            SearchMiss(query="box 5g", day=date(2026, 3, 17), count=2),
            SearchMiss(query="wifi 7", day=date(2026, 2, 1), count=4),
            SearchMiss(query="avant", day=date(2025, 12, 28), count=10),
        ]
    )
    db.session.commit()
    return {"old": old, "t1": t1, "t3": t3, "t5": t5, "t6": t6}


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(keeping, "utcnow", lambda: NOW)


def test_the_twelve_weeks_start_on_a_monday_at_midnight_utc():
    assert insights.window_start(NOW) == datetime(2025, 12, 29)
    assert insights.window_start(datetime(2026, 3, 16, 0, 0)) == datetime(2025, 12, 29)
    assert insights.window_start(datetime(2026, 3, 15, 23, 59)) == datetime(2025, 12, 22)


def test_weekly_figures_match_the_ones_computed_by_hand(community):
    weeks = insights.compute(NOW).weeks
    assert [week.start for week in weeks][-2:] == [date(2026, 3, 9), date(2026, 3, 16)]
    assert len(weeks) == 12 and all(week.start.weekday() == 0 for week in weeks)
    ninth = weeks[WEEK_OF_9_MARCH]
    assert (ninth.questions, ninth.settled, ninth.answered_quickly) == (4, 4, 2)
    assert ninth.answered_quickly_share == 0.5
    assert ninth.median_first_answer == timedelta(hours=5)
    assert (ninth.solved, ninth.solved_share) == (1, 0.25)
    assert ninth.answerers == 4
    sixteenth = weeks[WEEK_OF_16_MARCH]
    assert (sixteenth.questions, sixteenth.settled, sixteenth.answered_quickly) == (2, 1, 1)
    assert sixteenth.median_first_answer == timedelta(hours=1)
    assert (sixteenth.solved, sixteenth.answerers) == (0, 1)
    empty = weeks[0]
    assert (empty.questions, empty.answered_quickly_share, empty.median_first_answer, empty.solved_share) == (
        0,
        None,
        None,
        None,
    )


def test_a_question_younger_than_a_day_counts_once_it_is_answered_or_a_day_old(community):
    later = insights.compute(at(19, 7)).weeks[WEEK_OF_16_MARCH]  # T6 is 25 hours old, unanswered
    assert (later.settled, later.answered_quickly) == (2, 1)


def test_top_helpers_rank_helpful_marks_then_solutions_and_leave_staff_out(community):
    helpers = insights.compute(NOW).helpers
    assert [(helper.username, helper.helpful, helper.solutions) for helper in helpers] == [
        ("Helper", 2, 1),
        ("Helper2", 2, 0),
    ]


def test_the_lists_beside_the_table(community):
    figures = insights.compute(NOW)
    assert [line.id for line in figures.unanswered] == [community[key].id for key in ("old", "t5", "t6")]
    assert [(line.id, line.view_count) for line in figures.most_viewed[:2]] == [
        (community["t1"].id, 50),
        (community["t3"].id, 20),
    ]
    assert figures.ideas == [("new", 0), ("under_review", 0), ("planned", 2), ("done", 0), ("declined", 1)]
    assert figures.missed_searches == [("box 5g", 5), ("wifi 7", 4)]


def test_the_figures_take_the_same_statements_whatever_the_size_of_the_forum(community, category):
    with counting_statements() as few:
        insights.compute(NOW)
    more = make_user("Nouveau")
    for n in range(5):
        thread = started(more, category, f"Encore une question {n}", at(12 + n, 9))
        replied(make_user(f"Aidant{n}"), thread, at(12 + n, 10))
    db.session.commit()
    with counting_statements() as many:
        insights.compute(NOW)
    assert len(few) == len(many) == 7


def test_the_page_takes_the_same_statements_whatever_the_size_of_the_forum(
    app, client, auth, moderator, community, category, frozen
):
    app.config["INSIGHTS_FRESH_SECONDS"] = 0  # computed again after every page, and counted with it
    auth.login(moderator)
    before = statements_for(client, "/insights")
    asker = make_user("Nouveau")
    for n in range(5):
        thread = started(asker, category, f"Encore {n}", at(12 + n, 9))
        replied(make_user(f"Aidant{n}"), thread, at(12 + n, 10))
    db.session.commit()
    assert statements_for(client, "/insights") == before


@pytest.mark.parametrize("url", ["/insights", "/insights.csv"])
@pytest.mark.parametrize("role, status", [("visitor", 302), ("member", 403), ("moderator", 200), ("admin", 200)])
def test_only_staff_read_the_insights(client, auth, member, moderator, admin, url, role, status):
    if role != "visitor":
        auth.login({"member": member, "moderator": moderator, "admin": admin}[role])
    response = client.get(url)
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].startswith("/login")
    if status == 200:
        assert "private" in response.headers["Cache-Control"]


def test_the_page_is_kept_out_of_search_engines_and_linked_for_staff(client, auth, moderator, member):
    auth.login(member)
    assert 'href="/insights"' not in client.get("/").get_data(as_text=True)
    auth.login(moderator)
    assert 'href="/insights"' in client.get("/").get_data(as_text=True)
    page = client.get("/insights").get_data(as_text=True)
    assert '<meta name="robots" content="noindex' in page
    assert client.get("/insights.csv").headers["X-Robots-Tag"] == "noindex"


def test_the_page_shows_the_figures_in_tables_and_in_svg_charts(client, auth, moderator, community, frozen):
    auth.login(moderator)
    page = client.get("/insights").get_data(as_text=True)
    assert "Weeks start on Monday at midnight UTC" in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><time datetime=\"([\d-]+)\">.*?</tr>", page, re.S)
    assert len(rows) == 12 and rows[-2:] == ["2026-03-09", "2026-03-16"]
    ninth = re.search(r'datetime="2026-03-09">.*?</tr>', page, re.S).group(0)
    assert re.findall(r"<td>(.*?)</td>", ninth) == [
        "4",
        '50% <span class="muted">(2/4)</span>',
        "5 h 00",
        '25% <span class="muted">(1/4)</span>',
        "4",
    ]
    assert page.count('<svg class="chart"') == 4 and "<script" not in page.split("<main", 1)[1]
    questions = re.search(r'<svg class="chart" id="chart-questions".*?</svg>', page, re.S).group(0)
    assert '<title id="chart-questions-title">New questions per week</title>' in questions
    assert '<desc id="chart-questions-desc">' in questions
    values = re.findall(r'font-size="11" fill="currentColor">(.*?)</text>', questions)
    assert values == ["0"] * 10 + ["4", "2"]
    answered = re.search(r'<svg class="chart" id="chart-answered".*?</svg>', page, re.S).group(0)
    assert re.findall(r'font-size="11" fill="currentColor">(.*?)</text>', answered)[-2:] == ["50%", "100%"]
    assert 'href="/u/Helper"' in page and "Ancien</a>" not in page.split('id="helpers"', 1)[1].split("</table>")[0]
    assert f'href="/t/{community["t5"].id}/' in page
    assert "box 5g" in page and "avant" not in page


def test_the_csv_holds_one_row_per_week_under_a_header(client, auth, admin, community, frozen):
    auth.login(admin)
    response = client.get("/insights.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="insights-weeks-2026-03-18.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(COLUMNS) and len(rows) == 13
    assert rows[-2] == ["2026-03-09", "4", "4", "2", "50", "300", "1", "25", "4"]
    assert rows[-1] == ["2026-03-16", "2", "1", "1", "100", "60", "0", "0", "1"]
    assert rows[1] == ["2025-12-29", "0", "0", "0", "", "", "0", "", "0"]


def test_kept_figures_are_served_until_stale_then_computed_again_after_the_page(
    app, client, auth, moderator, category, monkeypatch
):
    monkeypatch.setattr(keeping, "utcnow", lambda: NOW)
    auth.login(moderator)
    asker = make_user("Asker")
    client.get("/insights")
    started(asker, category, "Après coup", at(17, 9))
    db.session.commit()
    assert insights_questions(client) == 0  # fresh: the kept figures
    app.config["INSIGHTS_FRESH_SECONDS"] = 0
    assert insights_questions(client) == 0  # stale: served once more, computed again after the page
    assert insights_questions(client) == 1
    monkeypatch.setattr(keeping, "utcnow", lambda: NOW + timedelta(days=1))
    started(asker, category, "Le lendemain", at(19, 9))
    app.config["INSIGHTS_FRESH_SECONDS"] = 3600
    db.session.commit()
    assert insights_questions(client) == 2  # another day: computed before the page


# Figures stored for every worker


@pytest.fixture
def computed_by_the_daily_command(runner, monkeypatch):
    """`flask insights compute` at NOW, as its timer runs it."""
    monkeypatch.setattr(insights_cli, "utcnow", lambda: NOW)
    result = runner.invoke(args=["insights", "compute"])
    assert result.exit_code == 0, result.output
    assert result.output == "Insights computed at 2026-03-18 12:00:00 UTC: 0 questions in 12 weeks.\n"


def another_process(app) -> None:
    """Another worker, or another host: it has kept no figures of its own."""
    app.extensions.pop("insights", None)


def page_at(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr(keeping, "utcnow", lambda: when)


def stored_times() -> list[datetime]:
    db.session.commit()
    return db.session.scalars(sa.select(InsightsSnapshot.computed_at)).all()


def test_every_worker_serves_the_figures_of_the_daily_command_without_computing_them(
    app, client, auth, moderator, category, computed_by_the_daily_command, monkeypatch
):
    started(make_user("Asker"), category, "Après le calcul", at(18, 12, 30))
    db.session.commit()
    page_at(monkeypatch, NOW + timedelta(minutes=1))
    auth.login(moderator)
    for _ in range(2):
        another_process(app)
        with counting_statements() as statements:
            assert insights_questions(client) == 0  # the stored figures, not the new question
        assert not any("FROM threads" in statement for statement in statements)
    assert stored_times() == [NOW]


def test_stale_stored_figures_are_served_then_computed_again_for_every_worker(
    app, client, auth, moderator, category, computed_by_the_daily_command, monkeypatch
):
    started(make_user("Asker"), category, "Après le calcul", at(18, 12, 30))
    db.session.commit()
    page_at(monkeypatch, NOW + timedelta(hours=1))
    auth.login(moderator)
    assert insights_questions(client) == 0  # served, then computed again once the page has gone
    assert stored_times() == [NOW + timedelta(hours=1)]
    another_process(app)
    assert insights_questions(client) == 1


def test_figures_of_another_day_are_computed_before_the_page_and_replace_the_days_before(
    app, client, auth, moderator, category, computed_by_the_daily_command, monkeypatch
):
    started(make_user("Asker"), category, "Le lendemain", at(19, 9))
    db.session.commit()
    page_at(monkeypatch, NOW + timedelta(days=1))
    auth.login(moderator)
    assert insights_questions(client) == 1
    assert stored_times() == [NOW + timedelta(days=1)]


def test_a_computation_never_replaces_figures_computed_after_it(app, community):
    later, earlier = insights.compute(NOW + timedelta(minutes=5)), insights.compute(NOW)
    snapshots.store(later)
    snapshots.store(earlier)
    assert stored_times() == [later.computed_at]
    assert snapshots.newest() == later


def test_stored_figures_read_back_equal_to_the_computed_ones(app, community):
    computed = insights.compute(NOW)
    snapshots.store(computed)
    db.session.commit()
    db.session.expire_all()
    assert snapshots.newest() == computed
    assert computed.helpers and computed.unanswered and computed.missed_searches  # every part was read back


def test_figures_stored_in_a_form_this_version_cannot_read_are_computed_again(
    app, client, auth, moderator, community, frozen
):
    db.session.add(InsightsSnapshot(figures={"weeks": "of another version"}, computed_at=NOW - timedelta(hours=1)))
    db.session.commit()
    auth.login(moderator)
    assert insights_questions(client) == 2
    assert snapshots.newest() == insights.compute(NOW)


@pytest.fixture
def served_forum(tmp_path, monkeypatch, server_database_url):
    """Four gunicorn workers that compute the figures again after every page."""

    def fill():
        db.session.add(Category(name="Dépannage", slug="depannage"))
        make_user("Modo", role=MODERATOR)
        make_user("Camille")

    server, process, _ = live.start_filled(
        tmp_path / "instance",
        server_database_url,
        fill,
        workers=4,
        monkeypatch=monkeypatch,
        RATELIMIT_ENABLED="false",
        INSIGHTS_FRESH_SECONDS="0",
    )
    yield server
    live.stop(process)


def questions_in_the_csv(browser) -> int:
    status, text = browser.request("GET", "/insights.csv")
    assert status == 200
    return sum(int(row[1]) for row in list(csv.reader(io.StringIO(text)))[1:])


@pytest.mark.slow
def test_staff_read_the_insights_while_members_ask_and_every_worker_stores_them(served_forum):
    server = served_forum
    member = live.Browser(server.url)
    member.log_in("Camille", PASSWORD)
    token = member.csrf_token("/c/depannage/new")
    statuses: list[int] = []
    done = threading.Event()

    def keep_reading() -> None:
        staff = live.Browser(server.url)
        staff.log_in("Modo", PASSWORD)
        while not done.is_set():
            statuses.append(staff.request("GET", "/insights")[0])

    readers = [threading.Thread(target=keep_reading) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for number in range(10):
            question = {"title": f"Question numéro {number}", "body": "La box clignote.", "csrf_token": token}
            assert member.request("POST", "/c/depannage/new", question)[0] == 302
            if number % 3 == 0:
                server.flask("insights", "compute")
    finally:
        done.set()
        for reader in readers:
            reader.join(30)
    assert len(statuses) > 20 and set(statuses) == {200}
    server.flask("insights", "compute")
    staff = live.Browser(server.url)
    staff.log_in("Modo", PASSWORD)
    for _ in range(8):  # any of the four workers, whatever it kept
        assert questions_in_the_csv(staff) == 10


def insights_questions(client) -> int:
    last = list(csv.reader(io.StringIO(client.get("/insights.csv").get_data(as_text=True))))[-1]
    return int(last[1])


@pytest.fixture
def write_every_response(app):
    app.extensions["visits"] = visits.VisitLog(0)


def misses() -> list[tuple]:
    db.session.commit()
    return [tuple(row) for row in db.session.execute(sa.select(SearchMiss.query, SearchMiss.count))]


def test_a_search_that_found_nothing_is_counted_by_normalised_query_and_day(write_every_response, client):
    client.get("/search", query_string={"q": "  Électricité   INTROUVABLE\t"})
    client.get("/search", query_string={"q": "électricité introuvable"})
    assert misses() == [("électricité introuvable", 2)]
    assert db.session.scalar(sa.select(SearchMiss.day)) == utcnow().date()
    assert {column.name for column in SearchMiss.__table__.columns} == {"id", "query", "day", "count"}


def test_missed_searches_are_written_with_the_visits_not_by_each_search(app, client):
    app.extensions["visits"] = log = visits.VisitLog(3600)
    for _ in range(3):
        client.get("/search", query_string={"q": "zzyzx"})
    assert misses() == []  # noted in memory only
    visits.write(log.take_if_due() or log._notes)
    assert misses() == [("zzyzx", 3)]


def test_a_search_that_found_something_or_searched_nothing_is_not_counted(
    write_every_response, client, member, category
):
    forum.start_thread(member, category, "Électricité coupée", "Plus de courant depuis ce matin.")
    db.session.commit()
    outbox.apply_pending(everything=True)
    assert "Électricité coupée" in client.get("/search", query_string={"q": "électricité"}).get_data(as_text=True)
    client.get("/search", query_string={"q": ""})
    client.get("/search", query_string={"q": "-courant"})
    client.get("/search", query_string={"q": "zzyzx", "page": "2"})
    assert misses() == []


def test_the_query_is_normalised_and_cut_to_its_column():
    assert visits.normalised_query(" Box\u00a0  ＦＩＢＲＥ\nÉté ") == "box fibre été"
    assert len(visits.normalised_query("a" * 1000)) == 200


def test_counts_are_added_to_the_days_row_and_old_days_deleted(app):
    today = utcnow().date()
    db.session.add(SearchMiss(query="ancienne", day=today - timedelta(weeks=13), count=1))
    db.session.commit()
    visits.write(visits.Visits(misses={("box", today): 2}))
    visits.write(visits.Visits(misses={("box", today): 3, ("wifi", today): 1}))
    assert sorted(misses()) == [("box", 5), ("wifi", 1)]
