from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from app.pagination import requested_page
from app.search import services

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    raw = request.args.get("q", "")
    sort = request.args.get("sort", "relevance")
    if sort not in services.SORTS:
        abort(400, _("Sort by relevance or newest."))
    category = request.args.get("category", "").strip()
    if category and f"category:{category}" not in raw:
        raw = f"{raw} category:{category}"
    results = services.search(raw, requested_page(), sort)
    return render_template("search/results.html", query=raw, sort=sort, results=results)
