"""Fill an empty database with the demo community: `flask --app wsgi seed-demo`.

The community is planned as plain data by `app.demo.plan` (deterministic: `random.Random(2026)`)
and replayed here through the services, in the order things happened: threads started, replies
written, replies accepted as solutions and marked helpful. Every rule, counter, ledger line and
badge is therefore the one real members would get. Only dates are set by hand, since the
services stamp "now" and the demo spreads its history over the last eighteen months:

- posts, threads, categories and accounts get their simulated times right after each service call;
- rows the services write on the side (reputation ledger, helpful marks, badges, and whatever
  they write in the future: notifications, outbox…) are moved at the end to the simulated time of
  the event during which they were written.

The caller commits (the CLI command does).
"""

from bisect import bisect_left
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.accounts import usernames
from app.accounts.models import ADMIN, MEMBER, MODERATOR, User
from app.clock import utcnow
from app.demo import content
from app.demo.plan import build_plan
from app.extensions import db
from app.forum import services as forum
from app.forum.models import DISCUSSION, IDEAS, Category, Post, Thread
from app.ideas import services as ideas
from app.insights.models import SearchMiss
from app.moderation import services as moderation
from app.notifications.models import Notification
from app.reputation import services as reputation

# Every demo account, staff included, logs in with this password.
DEMO_PASSWORD = "entraide-demo"
MODERATOR_USERNAME = "moderation"
ADMIN_USERNAME = "admin"
STAFF_USERNAMES = (MODERATOR_USERNAME, ADMIN_USERNAME)
MEMBER_USERNAMES = tuple(content.MEMBERS)
DEMO_USERNAMES = STAFF_USERNAMES + MEMBER_USERNAMES

# The category whose threads are ideas: members vote for them, and staff said what became of some.
IDEAS_CATEGORY = "idees-suggestions"
IDEA_STATUSES_GIVEN = (
    ("planned", "Bonne idée, demandée souvent : elle est prévue pour la prochaine version de l'appli."),
    ("under_review", "Nous regardons avec l'équipe produit ce que cela demanderait."),
    ("done", "C'est fait : disponible depuis la dernière mise à jour."),
    ("declined", "Pas pour l'instant : cela poserait un problème de sécurité électrique."),
)

# Members read their notifications as they come; only the last week's are still new.
UNREAD_NOTIFICATIONS_FOR = timedelta(days=7)
# The days of searches that found nothing the demo shows.
SEARCH_DAYS = 30

# The tables whose dates the seed sets itself, as each event is replayed.
_DATED_HERE = {User.__tablename__, Category.__tablename__, Thread.__tablename__, Post.__tablename__}


def seed_demo_community() -> str:
    """Create the demo categories, accounts, threads, replies, solutions and helpful marks;
    return a one-line summary."""
    started = utcnow()
    plan = build_plan(started)
    categories = _create_categories()
    # One hash for every account: hashing is slow on purpose (scrypt), 32 of them would cost seconds.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    staff_since = plan.start - timedelta(days=10)  # the brand opened the forum before anyone joined
    accounts = {
        name: _create_account(name, f"{name}@example.org", password_hash, role, staff_since)
        for name, role in ((MODERATOR_USERNAME, MODERATOR), (ADMIN_USERNAME, ADMIN))
    }
    for member in plan.members:
        accounts[member.username] = _create_account(
            member.username, member.email, password_hash, MEMBER, member.joined_at
        )
    db.session.flush()

    threads: dict[int, Thread] = {}
    posts: dict[int, list[Post]] = {}
    replies = 0
    clock: list[tuple[datetime, datetime]] = []  # (real time at the end of each event, simulated time)
    for at, t, what, p, who in plan.events():
        planned, actor = plan.threads[t], accounts[who]
        if what == "post":
            message = planned.posts[p]
            if p == 0:
                thread = forum.start_thread(actor, categories[planned.category], planned.title, message.body)
                opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1))
                thread.created_at = opening.created_at = at
                threads[t], posts[t] = thread, [opening]
            else:
                thread = threads[t]
                parent = posts[t][message.reply_to] if message.reply_to is not None else None
                post = forum.reply(actor, thread, message.body, reply_to=parent)
                post.created_at = at
                posts[t].append(post)
                replies += 1
            # The services stamped the real time on the thread and its category: the demo's replaces it.
            thread.last_activity_at = at
            categories[planned.category].last_activity_at = at
            actor.last_seen_at = at
        elif what == "solution":
            reputation.toggle_solution(actor, posts[t][p])
        else:
            reputation.toggle_helpful(actor, posts[t][p])
        db.session.flush()
        clock.append((utcnow(), at))
    for name in STAFF_USERNAMES:
        accounts[name].last_seen_at = plan.threads[-1].created_at
    db.session.flush()
    _date_side_rows(started, clock)
    if clock:
        _read_notifications_before(clock[-1][1] - UNREAD_NOTIFICATIONS_FOR)
    _moderate(accounts, list(threads.values()))
    _hear_ideas(accounts, categories[IDEAS_CATEGORY], list(threads.values()))
    _searches_that_found_nothing(plan.threads[-1].created_at.date())
    _confirm_addresses_and_history()
    return f"Seeded {len(categories)} categories, {len(accounts)} accounts, {len(threads)} threads, {replies} replies."


def _searches_that_found_nothing(last_day: date) -> None:
    """A month of searches that found nothing, for the insights page: what visitors looked for and
    the forum does not hold yet. Each query comes back on some days, a few times each."""
    rows = [
        {"query": query, "day": last_day - timedelta(days=day), "count": 1 + (day * 7 + number * 3) % 5}
        for number, query in enumerate(content.MISSED_SEARCHES)
        for day in range(SEARCH_DAYS)
        if (day + number) % (2 + number % 3) == 0
    ]
    db.session.execute(sa.insert(SearchMiss), rows)


def _confirm_addresses_and_history() -> None:
    """Every demo address confirmed since its account was made, and the demo's history counted as
    mailed. Only now: confirmed while the history was replayed, the members would have been sent
    thousands of messages, one per notification."""
    db.session.execute(sa.update(User).values(email_confirmed_at=User.created_at))
    db.session.execute(sa.update(Notification).values(mailed_at=Notification.created_at))


def _create_categories() -> dict[str, Category]:
    categories = {}
    for position, (slug, name, description) in enumerate(content.CATEGORIES, start=1):
        kind = IDEAS if slug == IDEAS_CATEGORY else DISCUSSION
        categories[slug] = Category(name=name, slug=slug, description=description, position=position, kind=kind)
    db.session.add_all(categories.values())
    db.session.flush()
    return categories


def _create_account(username: str, email: str, password_hash: str, role: str, created_at: datetime) -> User:
    """An account row as `accounts.services.create_user` would make it, with a shared password hash.

    The username is held to the same rules; a demo name that breaks one is a bug here, so it raises."""
    name = usernames.normalise(username)
    usernames.check(name)
    user = User(
        username=name,
        username_key=usernames.lookalike_key(name),
        email=email.strip().lower(),
        password_hash=password_hash,
        role=role,
        created_at=created_at,
        last_seen_at=created_at,
    )
    db.session.add(user)
    return user


def _date_side_rows(started: datetime, clock: list[tuple[datetime, datetime]]) -> None:
    """Give every row the services stamped during the seed the simulated time of its event.

    A date at or after `started` was stamped by a service during the seed (every simulated time is
    earlier); the event it belongs to is the first whose end came at or after it."""
    if not clock:
        return
    ends = [real for real, _ in clock]
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if table.name in _DATED_HERE or len(keys) != 1:
            continue
        key = keys[0]
        for column in table.columns:
            if not isinstance(column.type, sa.DateTime):
                continue
            stamped = db.session.execute(sa.select(key, column).where(column >= started)).all()
            if stamped:
                db.session.execute(
                    table.update().where(key == sa.bindparam("row_id")).values({column.name: sa.bindparam("row_at")}),
                    [
                        {"row_id": row_id, "row_at": clock[min(bisect_left(ends, real), len(clock) - 1)][1]}
                        for row_id, real in stamped
                    ],
                )


def _read_notifications_before(moment: datetime) -> None:
    db.session.execute(
        sa.update(Notification).where(Notification.created_at < moment).values(read_at=Notification.created_at)
    )


def _moderate(accounts: dict[str, User], threads: list[Thread]) -> None:
    """A little of the moderation a living forum has, done today: the log and the queue are not empty.

    A solved thread pinned, an old one locked, a flag a moderator dismissed and one still waiting."""
    moderator = accounts[MODERATOR_USERNAME]
    solved = [thread for thread in threads if thread.solution_post_id is not None]
    moderation.set_pinned(moderator, solved[-1], True, "Question qui revient souvent : la réponse est ici.")
    moderation.set_locked(
        moderator, solved[0], True, "Sujet résolu depuis longtemps : ouvrez un nouveau sujet si besoin."
    )
    members = [accounts[name] for name in MEMBER_USERNAMES]
    answered = [thread for thread in threads if thread.reply_count]
    for thread, outcome in ((answered[-3], "dismissed"), (answered[-2], "open")):
        post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.position == 2))
        flagger = next(member for member in members if member.id not in (post.author_id, thread.author_id))
        moderation.flag_post(flagger, post, "off_topic", "")
        if outcome == "dismissed":
            moderation.dismiss_flags(moderator, post, "Critique argumentée du produit : elle a sa place ici.")


def _hear_ideas(accounts: dict[str, User], category: Category, threads: list[Thread]) -> None:
    """Votes for the ideas, more for the older ones, and a status given today to a few of them."""
    members = [accounts[name] for name in MEMBER_USERNAMES]
    proposed = [thread for thread in threads if thread.category_id == category.id]
    for rank, idea in enumerate(proposed):
        for voter in members[rank % 5 :: 2 + rank % 4]:
            ideas.toggle_vote(voter, idea)
    moderator = accounts[MODERATOR_USERNAME]
    for idea, (status, reason) in zip(proposed, IDEA_STATUSES_GIVEN, strict=False):
        ideas.set_status(moderator, idea, status, reason)
