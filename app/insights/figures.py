"""The figures of the insights page, computed in a constant number of statements (seven) whatever
the size of the forum: about the community as a whole, never about one member's activity beyond the
public count of helpful marks and solutions that the leaderboard shows too.

Weeks start on Monday at 00:00 UTC. The window is the current week and the eleven before it."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.accounts.models import MEMBER, User
from app.extensions import db
from app.forum.models import IDEA_STATUSES, Post, Thread
from app.forum.unanswered import UNANSWERED, WAITING_ORDER
from app.insights.models import SearchMiss
from app.reputation.models import HelpfulMark

WEEKS = 12
WEEK = timedelta(weeks=1)
# A question answered this soon after it was asked counts as answered quickly.
ANSWER_DELAY = timedelta(hours=24)
LIST_LENGTH = 10
MISSED_SEARCHES_SHOWN = 20


@dataclass(frozen=True)
class Week:
    start: date
    questions: int
    # Questions at least ANSWER_DELAY old, or answered within it: those whose outcome is known.
    settled: int
    answered_quickly: int
    median_first_answer: timedelta | None
    solved: int
    answerers: int

    @property
    def answered_quickly_share(self) -> float | None:
        return self.answered_quickly / self.settled if self.settled else None

    @property
    def solved_share(self) -> float | None:
        return self.solved / self.questions if self.questions else None


@dataclass(frozen=True)
class Helper:
    username: str
    helpful: int
    solutions: int


@dataclass(frozen=True)
class ThreadLine:
    id: int
    slug: str
    title: str
    created_at: datetime
    view_count: int


@dataclass(frozen=True)
class Figures:
    computed_at: datetime
    weeks: list[Week]
    helpers: list[Helper]
    unanswered: list[ThreadLine]
    most_viewed: list[ThreadLine]
    ideas: list[tuple[str, int]]
    missed_searches: list[tuple[str, int]]

    @property
    def first_day(self) -> date:
        return self.weeks[0].start


def window_start(now: datetime) -> datetime:
    """Monday 00:00 of the first of the WEEKS weeks that end with the one holding `now`."""
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), datetime.min.time())
    return monday - (WEEKS - 1) * WEEK


def compute(now: datetime) -> Figures:
    start = window_start(now)
    return Figures(
        computed_at=now,
        weeks=weekly(start, now),
        helpers=top_helpers(start),
        unanswered=oldest_unanswered(),
        most_viewed=most_viewed(),
        ideas=ideas_by_status(),
        missed_searches=missed_searches(start.date()),
    )


def _shown(post) -> tuple:
    """A reply still shown, in the literal words of the index `ix_posts_shown_replies_by_date`'s
    condition: with a bound parameter in their place, SQLite would not use it."""
    return (post.position > sa.literal_column("1"), post.deleted_at.is_(None), post.hidden_at.is_(None))


def weekly(start: datetime, now: datetime) -> list[Week]:
    """Each week's questions (threads started and not deleted) with their first answer, and the
    members who answered that week: two statements, which read the replies from the index
    `ix_posts_shown_replies_by_date` rather than from the posts' wide rows."""
    end = start + WEEKS * WEEK
    first_answers = (
        sa.select(Post.thread_id, sa.func.min(Post.created_at).label("answered_at"))
        .join(Thread, Thread.id == Post.thread_id)
        # Bounded on both sides, the range leads SQLite's planner to the index rather than to a
        # scan of every post by thread, which grows with the forum.
        .where(Post.created_at >= start, Post.created_at < end, *_shown(Post))
        .where(Post.author_id != Thread.author_id, Thread.created_at >= start)
        .group_by(Post.thread_id)
        .subquery()
    )
    threads = db.session.execute(
        sa.select(Thread.created_at, first_answers.c.answered_at, Thread.solution_post_id)
        .outerjoin(first_answers, first_answers.c.thread_id == Thread.id)
        .where(Thread.created_at >= start, Thread.created_at < end, Thread.deleted_at.is_(None))
    ).all()
    starts = [start + n * WEEK for n in range(WEEKS)]
    # One count per week, each read from its own range of the index: a single scan counting
    # twelve distinct sets at once takes several times longer.
    answerers = dict(
        db.session.execute(
            sa.union_all(
                *(
                    sa.select(sa.literal_column(str(n)), sa.func.count(sa.distinct(Post.author_id))).where(
                        Post.created_at >= week, Post.created_at < week + WEEK, *_shown(Post)
                    )
                    for n, week in enumerate(starts)
                )
            )
        ).all()
    )
    by_week: list[list] = [[] for _ in starts]
    for created_at, answered_at, solution_id in threads:
        by_week[(created_at - start) // WEEK].append((created_at, answered_at, solution_id))
    return [
        _week(week.date(), rows, members, now)
        for week, rows, members in zip(starts, by_week, (answerers[n] for n in range(WEEKS)), strict=True)
    ]


def _week(start: date, threads: list[tuple], answerers: int, now: datetime) -> Week:
    delays = [answered_at - created_at for created_at, answered_at, _ in threads if answered_at is not None]
    quick = sum(1 for delay in delays if delay <= ANSWER_DELAY)
    settled = quick + sum(
        1
        for created_at, answered_at, _ in threads
        if now - created_at >= ANSWER_DELAY and (answered_at is None or answered_at - created_at > ANSWER_DELAY)
    )
    return Week(
        start=start,
        questions=len(threads),
        settled=settled,
        answered_quickly=quick,
        median_first_answer=statistics.median(delays) if delays else None,
        solved=sum(1 for *_, solution_id in threads if solution_id is not None),
        answerers=answerers,
    )


def top_helpers(start: datetime) -> list[Helper]:
    """The members whose replies received the most helpful marks in the window, then the most
    solutions among the replies they wrote in it; staff never count, nor erased accounts."""
    marks = (
        sa.select(
            Post.author_id.label("user_id"),
            sa.func.count().label("helpful"),
            sa.literal_column("0").label("solutions"),
        )
        .select_from(HelpfulMark)
        .join(Post, Post.id == HelpfulMark.post_id)
        .where(HelpfulMark.created_at >= start, *_shown(Post))
        .group_by(Post.author_id)
    )
    solutions = (
        sa.select(Post.author_id, sa.literal_column("0"), sa.func.count())
        .select_from(Thread)
        .join(Post, Post.id == Thread.solution_post_id)
        .where(Post.created_at >= start, *_shown(Post), Thread.deleted_at.is_(None))
        .where(Post.author_id != Thread.author_id)
        .group_by(Post.author_id)
    )
    both = sa.union_all(marks, solutions).subquery()
    helpful, solved = sa.func.sum(both.c.helpful), sa.func.sum(both.c.solutions)
    rows = db.session.execute(
        sa.select(User.username, helpful, solved)
        .join(both, both.c.user_id == User.id)
        .where(User.role == MEMBER, User.erased_at.is_(None))
        .group_by(User.id, User.username)
        .order_by(helpful.desc(), solved.desc(), User.username)
        .limit(LIST_LENGTH)
    )
    return [Helper(username, int(marked), int(solutions)) for username, marked, solutions in rows]


def _thread_lines(query: sa.Select) -> list[ThreadLine]:
    return [ThreadLine(*row) for row in db.session.execute(query)]


_LINE = (Thread.id, Thread.slug, Thread.title, Thread.created_at, Thread.view_count)


def oldest_unanswered() -> list[ThreadLine]:
    """Read from the partial index `ix_threads_unanswered`, whose condition UNANSWERED repeats."""
    return _thread_lines(sa.select(*_LINE).where(*UNANSWERED).order_by(*WAITING_ORDER).limit(LIST_LENGTH))


def most_viewed() -> list[ThreadLine]:
    return _thread_lines(
        sa.select(*_LINE)
        .where(Thread.deleted_at.is_(None))
        .order_by(Thread.view_count.desc(), Thread.id)
        .limit(LIST_LENGTH)
    )


def ideas_by_status() -> list[tuple[str, int]]:
    """Every status, in the order ideas go through them, with how many live ideas have it."""
    counts = dict(
        db.session.execute(
            sa.select(Thread.idea_status, sa.func.count())
            .where(Thread.idea_status.is_not(None), Thread.deleted_at.is_(None))
            .group_by(Thread.idea_status)
        ).all()
    )
    known = [(status, counts.pop(status, 0)) for status in IDEA_STATUSES]
    return known + sorted(counts.items())


def missed_searches(first_day: date) -> list[tuple[str, int]]:
    total = sa.func.sum(SearchMiss.count)
    return [
        (query, int(count))
        for query, count in db.session.execute(
            sa.select(SearchMiss.query, total)
            .where(SearchMiss.day >= first_day)
            .group_by(SearchMiss.query)
            .order_by(total.desc(), SearchMiss.query)
            .limit(MISSED_SEARCHES_SHOWN)
        )
    ]
