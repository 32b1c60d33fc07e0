"""The weekly figures as one CSV table: a header row, then one row per week, oldest first.

Column names are fixed English identifiers, whatever the reader's language, so that a sheet built
on them keeps working; shares are whole percentages and delays whole minutes, which every
spreadsheet reads as numbers whatever its decimal separator."""

import csv
import io

from app.insights.figures import Week

COLUMNS = (
    "week_start",
    "new_questions",
    "questions_a_day_old_or_answered",
    "answered_within_24h",
    "answered_within_24h_percent",
    "median_first_answer_minutes",
    "solved",
    "solved_percent",
    "members_who_answered",
)


def weekly_csv(weeks: list[Week]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for week in weeks:
        writer.writerow(
            (
                week.start.isoformat(),
                week.questions,
                week.settled,
                week.answered_quickly,
                _percent(week.answered_quickly_share),
                "" if week.median_first_answer is None else round(week.median_first_answer.total_seconds() / 60),
                week.solved,
                _percent(week.solved_share),
                week.answerers,
            )
        )
    return out.getvalue()


def _percent(share: float | None) -> int | str:
    return "" if share is None else round(share * 100)
