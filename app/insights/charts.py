"""Bar charts drawn on the server as inline SVG: no script, nothing fetched from another host.

Colours are presentation attributes (`fill="currentColor"`), which the Content-Security-Policy
allows where it forbids style attributes. Each chart names itself with <title> and <desc>; the
table beside it holds the same figures and is the accessible version."""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import format_percent
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.dates import format_date
from app.insights.figures import Week

WIDTH, HEIGHT = 640, 220
TOP, BOTTOM, SIDE = 22, 26, 4
BAR_SHARE = 0.7  # of each bar's slot; the rest is the gap between bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: nothing to draw (no question that week, say)
    text: str  # the value as the table writes it


def bar_chart(chart_id: str, title: str, description: str, bars: list[Bar], maximum: float | None = None) -> Markup:
    top = maximum or max((bar.value or 0 for bar in bars), default=0) or 1
    slot = (WIDTH - 2 * SIDE) / max(len(bars), 1)
    plot = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line x1="{SIDE}" y1="{TOP + plot}" x2="{WIDTH - SIDE}" y2="{TOP + plot}" stroke="currentColor"'
        ' stroke-width="1"/>',
    ]
    for n, bar in enumerate(bars):
        middle = SIDE + slot * (n + 0.5)
        parts.append("<g>")
        if bar.value is not None:
            height = plot * min(bar.value, top) / top
            parts.append(
                f'<rect x="{middle - slot * BAR_SHARE / 2:.1f}" y="{TOP + plot - height:.1f}"'
                f' width="{slot * BAR_SHARE:.1f}" height="{height:.1f}" fill="currentColor" fill-opacity="0.6">'
                f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
            )
        parts.append(
            f'<text x="{middle:.1f}" y="{TOP + plot - (plot * min(bar.value or 0, top) / top) - 5:.1f}"'
            f' text-anchor="middle" font-size="11" fill="currentColor">{escape(bar.text)}</text>'
        )
        parts.append(
            f'<text x="{middle:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="10"'
            f' fill="currentColor">{escape(bar.label)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    # Every label and title above went through escape().
    return Markup("".join(parts))  # nosec B704


def share_text(share: float | None) -> str:
    return "—" if share is None else format_percent(share)


def duration_text(delay: timedelta | None) -> str:
    """Hours and minutes, as both languages write them: "5 h 00"."""
    if delay is None:
        return "—"
    minutes = round(delay.total_seconds() / 60)
    return f"{minutes // 60} h {minutes % 60:02d}"


def weekly_charts(weeks: list[Week]) -> list[Markup]:
    labels = [format_date(week.start, "d MMM") for week in weeks]
    same = _("The weekly table gives the same figures.")

    def chart(chart_id, title, description, values, texts, maximum=None):
        bars = [Bar(label, value, text) for label, value, text in zip(labels, values, texts, strict=True)]
        return bar_chart(chart_id, title, f"{description} {same}", bars, maximum)

    return [
        chart(
            "chart-questions",
            _("New questions per week"),
            _("Threads started each week and not deleted."),
            [week.questions for week in weeks],
            [str(week.questions) for week in weeks],
        ),
        chart(
            "chart-answered",
            _("Answered within 24 hours"),
            _("Share of each week's questions that a member other than the asker answered within 24 hours."),
            [week.answered_quickly_share for week in weeks],
            [share_text(week.answered_quickly_share) for week in weeks],
            maximum=1,
        ),
        chart(
            "chart-delay",
            _("Median time to a first answer"),
            _("Over each week's answered questions, in hours and minutes."),
            [_hours(week.median_first_answer) for week in weeks],
            [duration_text(week.median_first_answer) for week in weeks],
        ),
        chart(
            "chart-answerers",
            _("Members who answered"),
            _("Distinct members who wrote a reply shown on the forum, each week."),
            [week.answerers for week in weeks],
            [str(week.answerers) for week in weeks],
        ),
    ]


def _hours(delay: timedelta | None) -> float | None:
    return None if delay is None else delay.total_seconds() / 3600
