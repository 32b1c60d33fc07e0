"""The insights' figures stored in the database, where every worker of every host finds them.

Written by `flask insights compute` (once a day, from a timer) and by a worker that found them stale;
read by the page in one statement. A day's row is replaced only by figures computed later, so a slow
computation never overwrites a newer one; the days before are deleted."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.database import upsert, writing_session
from app.extensions import db
from app.insights.figures import Figures, Helper, ThreadLine, Week
from app.insights.models import InsightsSnapshot


def store(figures: Figures) -> None:
    """Keep `figures` as their day's, unless figures computed later are kept already, in a short
    transaction of its own: on SQLite it waits its turn among the writers, where the reads that
    computed the figures did not hold their lock."""
    table = InsightsSnapshot.__table__
    day = figures.computed_at.date()
    with writing_session(db.engine) as session, session.begin():
        statement = upsert(session, table).values(day=day, computed_at=figures.computed_at, figures=as_json(figures))
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.day],
                set_={"computed_at": statement.excluded.computed_at, "figures": statement.excluded.figures},
                where=table.c.computed_at < statement.excluded.computed_at,
            )
        )
        session.execute(sa.delete(table).where(table.c.day < day))


def newest() -> Figures | None:
    """The newest figures kept, or None when there are none (or in a form this version cannot read,
    which the next computation replaces)."""
    stored = db.session.scalar(sa.select(InsightsSnapshot.figures).order_by(InsightsSnapshot.day.desc()).limit(1))
    if stored is None:
        return None
    try:
        return from_json(stored)
    except (KeyError, TypeError, ValueError):
        return None


def forget() -> None:
    """Drop the kept figures (they name the top helpers): the next page computes them again."""
    db.session.execute(sa.delete(InsightsSnapshot))


def as_json(figures: Figures) -> dict:
    return {
        "computed_at": figures.computed_at.isoformat(),
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


def from_json(stored: dict) -> Figures:
    return Figures(
        computed_at=datetime.fromisoformat(stored["computed_at"]),
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
