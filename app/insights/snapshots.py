"""The insights' figures stored in the database, where every worker of every host finds them.

Written by `flask insights compute` (once a day, from a timer) and by a worker that found them stale;
read by the page in one statement. The row is replaced only by figures computed later, so a slow
computation never overwrites a newer one."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.database import upsert, writing_session
from app.extensions import db
from app.insights.figures import Figures, Helper, ThreadLine, Week
from app.insights.models import SNAPSHOT, InsightsSnapshot


def store(figures: Figures) -> None:
    """Keep `figures`, unless figures computed later are kept already, in a short transaction of its
    own: on SQLite it waits its turn among the writers, where the reads that computed the figures did
    not hold their lock."""
    table = InsightsSnapshot.__table__
    with writing_session(db.engine) as session, session.begin():
        statement = upsert(session, table).values(
            id=SNAPSHOT, computed_at=figures.computed_at, figures=as_json(figures)
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.id],
                set_={"computed_at": statement.excluded.computed_at, "figures": statement.excluded.figures},
                where=table.c.computed_at < statement.excluded.computed_at,
            )
        )


def newest() -> Figures | None:
    """The figures kept, or None when there are none (or in a form this version cannot read, which the
    next computation replaces)."""
    stored = db.session.execute(sa.select(InsightsSnapshot.computed_at, InsightsSnapshot.figures)).first()
    if stored is None:
        return None
    try:
        return from_json(stored.figures, stored.computed_at)
    except (KeyError, TypeError, ValueError):
        return None


def forget() -> None:
    """Drop the kept figures (they name the top helpers): the next page computes them again."""
    db.session.execute(sa.delete(InsightsSnapshot))


def as_json(figures: Figures) -> dict:
    """The figures but their time of computing, which the row's column holds."""
    return {
        "weeks": [
            {
                "start": week.start.isoformat(),
                "questions": week.questions,
                "settled": week.settled,
                "answered_quickly": week.answered_quickly,
                "median_first_answer": (
                    None if week.median_first_answer is None else week.median_first_answer.total_seconds()
                ),
                "solved": week.solved,
                "answerers": week.answerers,
            }
            for week in figures.weeks
        ],
        "helpers": [[helper.username, helper.helpful, helper.solutions] for helper in figures.helpers],
        "unanswered": [_line_as_json(line) for line in figures.unanswered],
        "most_viewed": [_line_as_json(line) for line in figures.most_viewed],
        "ideas": [list(pair) for pair in figures.ideas],
        "missed_searches": [list(pair) for pair in figures.missed_searches],
    }


def from_json(stored: dict, computed_at: datetime) -> Figures:
    return Figures(
        computed_at=computed_at,
        weeks=[
            Week(
                start=date.fromisoformat(week["start"]),
                questions=week["questions"],
                settled=week["settled"],
                answered_quickly=week["answered_quickly"],
                median_first_answer=(
                    None if week["median_first_answer"] is None else timedelta(seconds=week["median_first_answer"])
                ),
                solved=week["solved"],
                answerers=week["answerers"],
            )
            for week in stored["weeks"]
        ],
        helpers=[Helper(username, helpful, solutions) for username, helpful, solutions in stored["helpers"]],
        unanswered=[_line_from_json(line) for line in stored["unanswered"]],
        most_viewed=[_line_from_json(line) for line in stored["most_viewed"]],
        ideas=[(status, count) for status, count in stored["ideas"]],
        missed_searches=[(query, count) for query, count in stored["missed_searches"]],
    )


def _line_as_json(line: ThreadLine) -> list:
    return [line.id, line.slug, line.title, line.created_at.isoformat(), line.view_count]


def _line_from_json(stored: list) -> ThreadLine:
    thread_id, slug, title, created_at, view_count = stored
    return ThreadLine(thread_id, slug, title, datetime.fromisoformat(created_at), view_count)
