from flask import Blueprint, jsonify, redirect, request, url_for
from flask_login import current_user, login_required

from app.accounts.roles import staff_required
from app.forms import commit_change
from app.forum import queries as forum_queries
from app.ideas import services
from app.web import safe_next, wants_json

bp = Blueprint("ideas", __name__)

# Every listing and the thread page word a status the same way.
bp.add_app_template_global(services.status_label, "idea_status_label")
bp.add_app_template_global(services.vote_refusal, "vote_refusal")
bp.add_app_template_global(services.has_voted, "has_voted_for")
bp.add_app_template_global(services.STATUS_LABELS, "idea_statuses")


def _thread_url(thread) -> str:
    return url_for("forum.thread", thread_id=thread.id, slug=thread.slug)


@bp.post("/t/<int:thread_id>/vote")
@login_required
def vote(thread_id: int):
    thread = forum_queries.visible_thread(thread_id)
    voted = commit_change(lambda: services.toggle_vote(current_user, thread))
    if wants_json():
        return jsonify(voted=voted, votes=thread.vote_count)
    return redirect(_thread_url(thread))


@bp.post("/moderation/threads/<int:thread_id>/status")
@staff_required
def status(thread_id: int):
    thread = forum_queries.visible_thread(thread_id)
    form = request.form
    commit_change(lambda: services.set_status(current_user, thread, form.get("status"), form.get("reason")))
    return redirect(safe_next(form.get("next"), _thread_url(thread)))
