from datetime import timedelta

from flask import Blueprint, jsonify, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.clock import utcnow
from app.forms import commit_change
from app.forum import queries as forum_queries
from app.forum.urls import post_url
from app.reputation import queries, services
from app.reputation.ranks import rank_for
from app.web import wants_json

bp = Blueprint("reputation", __name__)

RECENT = timedelta(days=30)

LEDGER_REASONS = {
    services.HELPFUL: _l("reply marked helpful"),
    services.HELPFUL_WITHDRAWN: _l("helpful mark withdrawn"),
    services.SOLUTION: _l("reply accepted as the solution"),
    services.SOLUTION_REMOVED: _l("solution withdrawn"),
    services.POST_HIDDEN: _l("message hidden by moderation"),
    services.POST_RESTORED: _l("message restored"),
    services.POST_DELETED: _l("message deleted by its author"),
}


@bp.app_template_global()
def ledger_reason(reason: str) -> str:
    return str(LEDGER_REASONS.get(reason, reason))


# Every author's name on every page carries their rank.
bp.add_app_template_global(rank_for)


@bp.post("/p/<int:post_id>/helpful")
@login_required
def helpful(post_id: int):
    post = forum_queries.post_by_id(post_id)
    marked = commit_change(lambda: services.toggle_helpful(current_user, post))
    if wants_json():
        return jsonify(helpful=marked, count=post.helpful_count)
    return redirect(post_url(post))


@bp.post("/p/<int:post_id>/solution")
@login_required
def solution(post_id: int):
    post = forum_queries.post_by_id(post_id)
    accepted = commit_change(lambda: services.toggle_solution(current_user, post))
    if wants_json():
        return jsonify(solution=accepted)
    return redirect(post_url(post))


@bp.get("/leaderboard")
def leaderboard():
    slug = request.args.get("category")
    category = forum_queries.category_by_slug(slug) if slug else None
    since = utcnow() - RECENT
    return render_template(
        "reputation/leaderboard.html",
        categories=forum_queries.all_categories(),
        category=category,
        all_time=queries.top_earners(category=category) if category else queries.top_all_time(),
        recent=queries.top_earners(since=since, category=category),
    )
