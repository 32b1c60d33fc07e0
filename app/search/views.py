from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from app import visits
from app.extensions import limiter
from app.pagination import requested_page
from app.search import services, similar

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
    if results.missed:
        visits.search_missed(raw)  # counted per query and day, for the staff's insights
    return render_template("search/results.html", query=raw, sort=sort, results=results)


@bp.get("/search/similar")
@limiter.limit(lambda: current_app.config["RATELIMIT_SIMILAR"])
def similar_threads():
    """The threads like a title being typed, for the new-thread form's script."""
    threads = similar.similar_threads(request.args.get("q", ""))
    return jsonify(
        [
            {
                "title": thread.title,
                "url": url_for("forum.thread", thread_id=thread.id, slug=thread.slug),
                "solved": thread.is_solved,
            }
            for thread in threads
        ]
    )
