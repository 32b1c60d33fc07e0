from flask import Blueprint, Response, render_template

from app.accounts.roles import staff_required
from app.ideas.services import status_label
from app.insights import charts
from app.insights.keeping import current_figures
from app.insights.spreadsheet import weekly_csv

bp = Blueprint("insights", __name__)


@bp.get("/insights")
@staff_required
def overview():
    figures = current_figures()
    return render_template(
        "insights/overview.html",
        figures=figures,
        charts=charts.weekly_charts(figures.weeks),
        share_text=charts.share_text,
        duration_text=charts.duration_text,
        status_label=status_label,
    )


@bp.get("/insights.csv")
@staff_required
def download():
    figures = current_figures()
    response = Response(weekly_csv(figures.weeks), mimetype="text/csv")
    filename = f"insights-weeks-{figures.computed_at.date().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
