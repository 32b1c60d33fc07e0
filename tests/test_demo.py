"""The demo community: `flask seed-demo` fills an empty forum with a believable, consistent history.

Seeding takes seconds, so on SQLite the command runs once for the module and each test gets a copy
of that database (`seeded`); on PostgreSQL each test seeds its own. The plan the seed replays, and
the data files its words are read from, are checked without any database."""

import hashlib
import re
import shutil
import string
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app import create_app
from app.accounts import usernames
from app.accounts.models import ADMIN, MEMBER, MODERATOR, User
from app.clock import utcnow
from app.demo import content
from app.demo.plan import HISTORY_DAYS, MAX_REPLIES, REPLY_TOTAL, THREAD_TOTAL, build_plan
from app.demo.seed import (
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    MEMBER_USERNAMES,
    MODERATOR_USERNAME,
    STAFF_USERNAMES,
)
from app.demo.subjects import SUBJECTS, SUBJECTS_FOLDER
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.insights.models import SearchMiss
from app.reputation.models import Badge, HelpfulMark, ReputationEvent

SUMMARY = "Seeded 6 categories, 32 accounts, 150 threads, 1000 replies."
# The SHA-256 of the demo's thread titles, sorted, one a line: the same on every run, every day.
# Change it only when you mean to change the demo community.
TITLES_SHA256 = "964435a99c81bc2514892c57637d477eecc9c81a4f4278cd9975d5abbd3e92b2"


def titles_digest(titles) -> str:
    return hashlib.sha256("\n".join(sorted(titles)).encode()).hexdigest()


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """The command run once on an empty SQLite database: (the database file, what it printed)."""
    instance = tmp_path_factory.mktemp("demo-instance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENTRAIDE_INSTANCE_PATH", str(instance))
        template = create_app({"TESTING": True, "SECRET_KEY": "test"})
    with template.app_context():
        db.create_all()
        result = template.test_cli_runner().invoke(args=["seed-demo"])
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    return instance / "entraide.sqlite3", result.output


@pytest.fixture
def seeded(request, postgres_url, instance_path):
    """The test's application, holding the demo; the value is what the seeding command printed.

    Request it before `app`, `client` or `runner`: the seeded database must be in place before
    the application opens it."""
    if postgres_url:
        result = request.getfixturevalue("runner").invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        return result.output
    database, output = request.getfixturevalue("demo_database")
    assert not (instance_path / database.name).exists(), "request `seeded` before `app`"
    instance_path.mkdir(parents=True, exist_ok=True)
    for part in database.parent.glob(database.name + "*"):  # the WAL files too, if any are left
        shutil.copy(part, instance_path / part.name)
    request.getfixturevalue("app")
    return output


# Sizes, and seeding only once


@pytest.mark.slow
def test_seed_demo_command_builds_the_promised_community_once(seeded, runner):
    assert seeded.strip() == SUMMARY
    assert count(Category) == 6
    assert Counter(db.session.scalars(sa.select(User.role))) == {MEMBER: 30, MODERATOR: 1, ADMIN: 1}
    assert set(db.session.scalars(sa.select(User.username))) == set(DEMO_USERNAMES)
    assert db.session.scalar(sa.select(User.role).where(User.username == MODERATOR_USERNAME)) == MODERATOR
    assert db.session.scalar(sa.select(User.role).where(User.username == ADMIN_USERNAME)) == ADMIN
    assert count(Thread) == THREAD_TOTAL == 150
    assert count(Post, Post.position > 1) == REPLY_TOTAL == 1000
    assert count(Category, Category.thread_count < 10) == 0  # every category lives
    assert 40 <= count(Thread, Thread.solution_post_id.is_not(None)) < 150
    assert count(HelpfulMark) >= 300

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "nothing seeded" in again.output
    assert (count(User), count(Thread), count(Post)) == (32, 150, 1150)


# Counters and caches kept by the services agree with the rows


@pytest.mark.slow
def test_seeded_counters_agree_with_the_rows(seeded):
    threads_in = sa.select(Thread.category_id, sa.func.count().label("n")).group_by(Thread.category_id).subquery()
    posts_in = (
        sa.select(Thread.category_id, sa.func.count().label("n"))
        .join(Post, Post.thread_id == Thread.id)
        .group_by(Thread.category_id)
        .subquery()
    )
    categories = db.session.execute(
        sa.select(Category.slug, Category.thread_count, threads_in.c.n, Category.post_count, posts_in.c.n)
        .join(threads_in, threads_in.c.category_id == Category.id)
        .join(posts_in, posts_in.c.category_id == Category.id)
    ).all()
    assert len(categories) == 6
    for slug, cached_threads, threads, cached_posts, posts in categories:
        assert (cached_threads, cached_posts) == (threads, posts), slug

    replies = (
        sa.select(Post.thread_id, sa.func.count().label("n"))
        .where(Post.position > 1)
        .group_by(Post.thread_id)
        .subquery()
    )
    assert (
        db.session.scalars(
            sa.select(Thread.id)
            .outerjoin(replies, replies.c.thread_id == Thread.id)
            .where(
                (Thread.reply_count != sa.func.coalesce(replies.c.n, 0)) | (Thread.post_total != Thread.reply_count + 1)
            )
        ).all()
        == []
    )

    written = sa.select(Post.author_id, sa.func.count().label("n")).group_by(Post.author_id).subquery()
    ledger = (
        sa.select(ReputationEvent.user_id, sa.func.sum(ReputationEvent.delta).label("n"))
        .group_by(ReputationEvent.user_id)
        .subquery()
    )
    users = db.session.execute(
        sa.select(
            User.username,
            User.role,
            User.post_count,
            sa.func.coalesce(written.c.n, 0),
            User.reputation,
            sa.func.coalesce(ledger.c.n, 0),
        )
        .outerjoin(written, written.c.author_id == User.id)
        .outerjoin(ledger, ledger.c.user_id == User.id)
    ).all()
    for name, role, cached_posts, posts, reputation, earned in users:
        assert (cached_posts, reputation) == (posts, earned), name
        if role != MEMBER:
            assert posts == reputation == 0, f"staff account {name} took part"
    assert sum(1 for _, role, cached_posts, *_ in users if role == MEMBER and cached_posts) >= 25
    assert max(reputation for *_, reputation, _ in users) >= 200  # some members have a rank to show

    marks = sa.select(HelpfulMark.post_id, sa.func.count().label("n")).group_by(HelpfulMark.post_id).subquery()
    assert (
        count(
            Post,
            Post.helpful_count
            != sa.func.coalesce(sa.select(marks.c.n).where(marks.c.post_id == Post.id).scalar_subquery(), 0),
        )
        == 0
    )
    solution = sa.orm.aliased(Post)
    for thread_author, solution_author, _solution_thread, position in db.session.execute(
        sa.select(Thread.author_id, solution.author_id, solution.thread_id, solution.position).join(
            solution, Thread.solution_post_id == solution.id
        )
    ):
        assert position > 1 and solution_author != thread_author
    assert count(Badge) > 0


# The timeline


@pytest.mark.slow
def test_seeded_timeline_is_chronological_in_the_past_and_replies_stay_in_their_thread(seeded):
    now = utcnow()
    posts = db.session.execute(
        sa.select(Post.thread_id, Post.position, Post.created_at, Post.author_id).order_by(
            Post.thread_id, Post.position
        )
    ).all()
    by_thread: dict[int, list] = {}
    for thread_id, position, created_at, _ in posts:
        by_thread.setdefault(thread_id, []).append((position, created_at))
    for thread in db.session.scalars(sa.select(Thread)):
        rows = by_thread[thread.id]
        assert [position for position, _ in rows] == list(range(1, len(rows) + 1))
        times = [created_at for _, created_at in rows]
        assert times == sorted(times) and len(set(times)) == len(times), thread.title
        assert (thread.created_at, thread.last_activity_at) == (times[0], times[-1])
    for category in db.session.scalars(sa.select(Category)):
        latest = db.session.scalar(
            sa.select(sa.func.max(Post.created_at))
            .join(Thread, Post.thread_id == Thread.id)
            .where(Thread.category_id == category.id)
        )
        assert category.last_activity_at == latest, category.slug

    times = [created_at for _, _, created_at, _ in posts]
    assert max(times) < now
    assert now - timedelta(days=HISTORY_DAYS + 2) < min(times) < now - timedelta(days=365)
    first_post: dict[int, object] = {}
    for _, _, created_at, author_id in posts:
        first_post[author_id] = min(created_at, first_post.get(author_id, created_at))
    for user in db.session.scalars(sa.select(User)):
        assert user.created_at < first_post.get(user.id, now), user.username

    parent = sa.orm.aliased(Post)
    answers = db.session.execute(
        sa.select(Post.thread_id, Post.position, parent.thread_id, parent.position).join(
            parent, Post.reply_to_id == parent.id
        )
    ).all()
    assert len(answers) >= 200
    for thread_id, position, parent_thread_id, parent_position in answers:
        assert parent_thread_id == thread_id and parent_position < position

    # Marks, the ledger and badges happened after the post they concern, by then-members, in the past.
    for marked_at, posted_at, joined_at in db.session.execute(
        sa.select(HelpfulMark.created_at, Post.created_at, User.created_at)
        .join(Post, HelpfulMark.post_id == Post.id)
        .join(User, HelpfulMark.user_id == User.id)
    ):
        assert joined_at < marked_at and posted_at < marked_at < now
    for event_at, posted_at in db.session.execute(
        sa.select(ReputationEvent.created_at, Post.created_at).join(Post, ReputationEvent.post_id == Post.id)
    ):
        assert posted_at < event_at < now
    assert db.session.scalar(sa.select(sa.func.max(Badge.awarded_at))) < now


# What visitors and members see


@pytest.mark.slow
def test_the_demo_shows_waiting_questions_ideas_and_a_month_of_searches_that_found_nothing(seeded):
    assert count(Thread, Thread.reply_count == 0, Thread.deleted_at.is_(None)) >= 1
    assert count(Thread, Thread.idea_status.is_not(None)) >= 4
    assert db.session.scalar(sa.select(sa.func.sum(Thread.vote_count))) > 0
    days = db.session.scalars(sa.select(SearchMiss.day).distinct()).all()
    assert max(days) - min(days) >= timedelta(days=25)
    assert set(db.session.scalars(sa.select(SearchMiss.query))) == set(content.MISSED_SEARCHES)


@pytest.mark.slow
def test_seeded_forum_answers_pages_and_demo_accounts_log_in(seeded, client):
    home = client.get("/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    for _, name, _ in content.CATEGORIES:
        assert str(escape(name)) in page
    busiest = db.session.scalars(sa.select(Thread).order_by(Thread.reply_count.desc(), Thread.id)).first()
    response = client.get(f"/t/{busiest.id}/{busiest.slug}")
    assert response.status_code == 200
    assert str(escape(busiest.title)) in response.get_data(as_text=True)
    assert client.get("/c/depannage").status_code == 200

    member = MEMBER_USERNAMES[0]
    response = client.post("/login", data={"login": member, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert str(escape(member)) in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.post("/login", data={"login": MODERATOR_USERNAME, "password": DEMO_PASSWORD}).status_code == 302


# Reproducible


@pytest.mark.slow
def test_seed_writes_exactly_the_plan_every_time(seeded):
    """The database holds the plan: same titles (a fixed digest), messages, authors, answers,
    solutions and marks, and the plan's times shifted by a whole number of days (none today)."""
    assert titles_digest(db.session.scalars(sa.select(Thread.title))) == TITLES_SHA256
    plan = build_plan(utcnow())
    names = dict(db.session.execute(sa.select(User.id, User.username)).all())
    threads = list(db.session.scalars(sa.select(Thread).order_by(Thread.created_at, Thread.id)))
    assert [thread.title for thread in threads] == [planned.title for planned in plan.threads]
    shift = threads[0].created_at - plan.threads[0].created_at
    assert shift % timedelta(days=1) == timedelta(0)
    parent = sa.orm.aliased(Post)
    for thread, planned in zip(threads, plan.threads, strict=True):
        assert (thread.category.slug, thread.author.username) == (planned.category, planned.author)
        posts = db.session.execute(
            sa.select(Post.id, Post.author_id, Post.body_source, parent.position, Post.created_at)
            .outerjoin(parent, Post.reply_to_id == parent.id)
            .where(Post.thread_id == thread.id)
            .order_by(Post.position)
        ).all()
        assert [(names[author], body, reply_to, at - shift) for _, author, body, reply_to, at in posts] == [
            (post.author, post.body, None if post.reply_to is None else post.reply_to + 1, post.at)
            for post in planned.posts
        ], thread.title
        ids = [post_id for post_id, *_ in posts]
        solution = None if planned.solution is None else ids[planned.solution]
        assert thread.solution_post_id == solution
        marks = db.session.execute(
            sa.select(HelpfulMark.post_id, HelpfulMark.user_id, HelpfulMark.created_at).where(
                HelpfulMark.post_id.in_(ids)
            )
        ).all()
        assert sorted((ids.index(post_id), names[user], at - shift) for post_id, user, at in marks) == sorted(
            (mark.post, mark.member, mark.at) for mark in planned.marks
        )


# The plan and its words, without a database


def test_plan_is_the_same_whatever_the_day_and_hour_of_the_run():
    first = build_plan(utcnow())
    other = build_plan(utcnow() - timedelta(days=123, hours=7, minutes=11))
    assert titles_digest(thread.title for thread in first.threads) == TITLES_SHA256
    shift = first.start - other.start
    assert shift % timedelta(days=1) == timedelta(0)

    def timeline(plan, shift=timedelta(0)):
        return [
            (t.title, t.solution, [(p.author, p.body, p.reply_to, p.at + shift) for p in t.posts]) for t in plan.threads
        ]

    assert timeline(other, shift) == timeline(first)


def test_demo_content_follows_the_forum_rules():
    keys = set()
    for name in DEMO_USERNAMES:
        assert usernames.normalise(name) == name
        usernames.check(name)  # raises on a refused name
        keys.add(usernames.lookalike_key(name))
    assert len(keys) == len(DEMO_USERNAMES) == 32
    assert set(STAFF_USERNAMES) == {"moderation", "admin"}
    assert any(not name.isascii() for name in MEMBER_USERNAMES)
    assert any(char.isdigit() for name in MEMBER_USERNAMES for char in name)
    assert len(DEMO_PASSWORD) >= 8

    assert len({slug for slug, _, _ in content.CATEGORIES}) == 6
    assert len(SUBJECTS) >= 40

    plan = build_plan(utcnow())
    assert len(plan.threads) == THREAD_TOTAL and plan.reply_total == REPLY_TOTAL
    titles = [thread.title for thread in plan.threads]
    assert len(set(titles)) == len(titles)
    assert all(len(title) <= 150 for title in titles)
    assert len({thread.subject for thread in plan.threads}) >= 40
    assert {post.author for thread in plan.threads for post in thread.posts} <= set(MEMBER_USERNAMES)

    bodies = [post.body for thread in plan.threads for post in thread.posts]
    text = "\n".join(titles + bodies)
    assert "{" not in text and "}" not in text  # every slot filled
    features = {
        "numbered steps": r"(?m)^1\. ",
        "bullets": r"(?m)^- ",
        "code": r"`[^`]+`",
        "quotes": r"(?m)^> ",
        "bold": r"\*\*[^*]+\*\*",
        "links": r"https://",
    }
    for feature, pattern in features.items():
        assert sum(1 for body in bodies if re.search(pattern, body)) >= 20, feature
    for body in bodies:
        links = re.findall(r"https?://\S+", re.sub(r"`[^`]*`", "", body))  # code spans are not links
        assert len(links) <= 2  # what a member with no reputation may post
        assert all(link.startswith("https://example.org/") for link in links)
    searched = (
        "électricité",
        "réparer",
        "réparation",
        "thermostat",
        "Wi-Fi",
        "facture",
        "batterie",
        "C'est réglé, merci !",
    )
    for word in searched:
        assert word in text, word
    assert len(set(bodies)) > len(bodies) * 0.6  # varied, not a handful of texts repeated


# The data files the words are read from

CATEGORY_SLUGS = [slug for slug, _, _ in content.CATEGORIES]
# What each table of a subject file may hold, and must.
SUBJECT_SCHEMA = {
    "subject": ({"key": str, "kind": str, "opening": list, "answer": list}, {"key", "kind", "opening", "answer"}),
    "opening": ({"titles": list, "text": str, "advice": bool}, {"titles", "text"}),
    "answer": ({"opening": int, "text": str, "fixed": str}, {"text"}),
}
# The slots the generator fills besides SLOTS and `op`, by phrase bank.
GENERATOR_SLOTS = {
    "ALTERNATIVE_INTROS": {"helper"},
    "RESOLVED": {"fixed", "helper", "quote"},
    "THANKS_OTHER": {"helper"},
    "LATE": {"helper"},
    "AGREE": {"quote"},
    "DISAGREE": {"quote"},
}
NOT_PHRASES = {"DATA", "CATEGORIES", "MEMBERS", "SLOTS", "TECHNICAL_CATEGORIES"}
PHRASE_BANKS = sorted(
    name for name in vars(content) if name.isupper() and not name.startswith("_") and name not in NOT_PHRASES
)


def slot_names() -> set[str]:
    names = set()
    for name, values in content.SLOTS.items():
        if isinstance(values[0], dict):  # every value of a slot that fills several fills the same ones
            assert all(value.keys() == values[0].keys() for value in values), name
            names |= set(values[0])
        else:
            assert all(isinstance(value, str) for value in values), name
            names.add(name)
    return names


def slots_named(text: str) -> set[str]:
    """The slots a text names; a stray brace raises ValueError."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            assert name.isidentifier() and not spec and conversion is None, f"{{{name}}} in {text!r}"
            names.add(name)
    return names


def texts_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value
    return [text for item in items for text in texts_in(item)]


def test_md_joins_the_wrapped_lines_of_each_paragraph_and_keeps_blocks():
    written = """
        Un paragraphe écrit
        sur deux lignes.

        1. Une étape
           qui continue.
        2. Une autre.
        - Un point
        > Une citation
    """
    assert content.md(written) == (
        "Un paragraphe écrit sur deux lignes.\n\n1. Une étape qui continue.\n2. Une autre.\n- Un point\n> Une citation"
    )


def test_subject_files_are_one_per_category_and_hold_only_known_fields():
    assert sorted(path.stem for path in SUBJECTS_FOLDER.glob("*.toml")) == sorted(CATEGORY_SLUGS)
    for slug in CATEGORY_SLUGS:
        data = content.read_toml(SUBJECTS_FOLDER / f"{slug}.toml")
        assert list(data) == ["subject"], slug
        for subject in data["subject"]:
            tables = [("subject", subject)] + [("opening", t) for t in subject.get("opening", [])]
            for name, table in tables + [("answer", t) for t in subject.get("answer", [])]:
                fields, required = SUBJECT_SCHEMA[name]
                where = f"{slug}: {subject.get('key')}: {name}"
                assert required <= table.keys() <= fields.keys(), where
                assert all(isinstance(value, fields[key]) for key, value in table.items()), where


def test_subjects_give_each_opening_titles_and_answers_that_fit():
    keys = [subject["key"] for subject in SUBJECTS]
    assert len(set(keys)) == len(keys)
    assert {subject["category"] for subject in SUBJECTS} == set(CATEGORY_SLUGS)
    for subject in SUBJECTS:
        key, openings, answers = subject["key"], range(len(subject["openings"])), subject["answers"]
        assert subject["kind"] in MAX_REPLIES, key
        assert len(subject["openings"]) >= 1 and len(answers) >= 1, key
        # Enough different titles for a subject drawn several times never to repeat one.
        assert len(subject["titles"]) >= 4 and len(set(subject["titles"])) == len(subject["titles"]), key
        assert all(isinstance(title, str) and title.strip() == title for title in subject["titles"]), key
        assert sorted(set(subject["title_openings"])) == list(openings), key  # every opening has a title
        assert len(subject["title_openings"]) == len(subject["titles"]), key
        assert len(subject["answer_openings"]) == len(subject["fixed"]) == len(answers), key
        assert all(number is None or number in openings for number in subject["answer_openings"]), key
        for number in openings:  # every opening gets at least one answer of its own subject
            assert any(o is None or o == number for o in subject["answer_openings"]), (key, number)
        if subject["kind"] != "question":
            assert not subject["advice"] and not any(subject["fixed"]), key
        assert subject["advice"] <= set(openings), key


def test_every_slot_in_the_demo_texts_has_a_value():
    slots = slot_names()
    for subject in SUBJECTS:
        for title in subject["titles"]:  # drawn before the thread has an author
            assert slots_named(title) <= slots, (subject["key"], title)
        for text in subject["openings"] + subject["answers"] + [fixed for fixed in subject["fixed"] if fixed]:
            assert slots_named(text) <= slots | {"op"}, (subject["key"], text)
    for bank in PHRASE_BANKS:
        for text in texts_in(getattr(content, bank)):
            assert slots_named(text) <= slots | {"op"} | GENERATOR_SLOTS.get(bank, set()), (bank, text)


def test_phrase_banks_serve_known_categories_and_every_category_they_must():
    known = set(CATEGORY_SLUGS)
    assert set(content.TIPS) == known
    assert set(content.TECHNICAL_CATEGORIES) <= known
    assert set(content.AGREE) - {"*"} <= known and "*" in content.AGREE
    assert set(content.DISAGREE) <= known and set(content.ASK) <= known
    assert set(content.OP_THANKS) - {"discussion", "welcome"} <= known
    assert {"discussion", "welcome"} <= set(content.OP_THANKS)
    assert set(content.SIGNOFFS) == set(MAX_REPLIES)
    # Helpers ask about the symptom of a fault: in every category with a question that reports one.
    faults = {s["category"] for s in SUBJECTS if s["kind"] == "question" and len(s["advice"]) < len(s["openings"])}
    assert faults <= set(content.CLARIFY) <= known
    assert set(content.TRIED) == {"device", "application"}
    for bank, size in ((content.CLARIFY, 2), (content.ASK, 2), (content.TRIED, 3)):
        assert all(exchanges and all(len(e) == size and all(e) for e in exchanges) for exchanges in bank.values())
    for bank in PHRASE_BANKS:
        texts = texts_in(getattr(content, bank))
        assert texts and all(text.strip() == text for text in texts), bank
