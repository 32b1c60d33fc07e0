from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import visits
from app.errors import InvalidInput
from app.extensions import db, limiter
from app.forms import commit_change, commit_form_change
from app.forum import queries, services, unanswered
from app.forum.forms import EditPostForm, NewThreadForm, ReplyForm
from app.forum.models import Post, Thread
from app.forum.urls import PageUrls, post_url
from app.limits import MAX_ROW_ID
from app.moderation import services as moderation
from app.pagination import requested_page
from app.reputation import services as reputation
from app.reputation import trust
from app.search import related, similar
from app.seo import freshness
from app.web import note_public_page

bp = Blueprint("forum", __name__)


def posting_limit() -> str:
    return trust.posting_limit(current_user)


def posting_key() -> str:
    return f"user:{current_user.get_id()}"


@bp.app_context_processor
def forum_helpers():
    urls = PageUrls()
    return {
        "post_url": urls.post_url,
        "url_for_post": urls.url_for_post,
        "writing_refusal": services.writing_refusal,
        "can_read_text": services.can_read_text,
        "can_read_hidden": services.can_read_hidden,
        "helpful_refusal": reputation.helpful_refusal,
        "solution_refusal": reputation.solution_refusal,
    }


@bp.get("/")
def index():
    categories, latest_threads = queries.categories_with_latest_thread(), queries.latest_threads()
    note_public_page(freshness.home_page(categories, latest_threads))
    return render_template(
        "forum/index.html",
        categories=categories,
        latest_threads=latest_threads,
        unanswered_count=unanswered.unanswered_count(),
    )


@bp.get("/c/<slug>")
def category(slug: str):
    number = requested_page()
    category = queries.category_by_slug(slug)
    solved = request.args.get("solved")
    if solved not in (None, "yes", "no"):
        abort(400, _("The solved filter is yes or no."))
    listing_filter = request.args.get("filter")
    if listing_filter not in (None, "unanswered"):
        abort(400, _("The only filter is unanswered."))
    sort = request.args.get("sort")
    if sort not in (None, "votes") or (sort and not category.holds_ideas):
        abort(400, _("The only sort is votes, in an ideas category."))
    if request.args.get("page") == "1":
        return redirect(url_for("forum.category", slug=slug, solved=solved, filter=listing_filter, sort=sort), 301)
    page = queries.category_threads(
        category,
        number,
        current_app.config["THREADS_PER_PAGE"],
        solved=None if solved is None else solved == "yes",
        unanswered=listing_filter == "unanswered",
        by_votes=sort == "votes",
    )
    note_public_page(freshness.category_page(category, page.items))
    return render_template(
        "forum/category.html",
        category=category,
        page=page,
        solved=solved,
        listing_filter=listing_filter,
        sort=sort,
    )


@bp.get("/unanswered")
def unanswered_threads():
    number = requested_page()
    if request.args.get("page") == "1":
        return redirect(url_for("forum.unanswered_threads"), 301)
    page = unanswered.unanswered_threads(number, current_app.config["THREADS_PER_PAGE"])
    # No Last-Modified: a question leaves this page when it gets its answer, which no date shown
    # here records; the ETag (a hash of the page) tells clients of that.
    note_public_page(None)
    return render_template("forum/unanswered.html", page=page)


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@login_required
@limiter.limit(posting_limit, key_func=posting_key, methods=["POST"])
def new_thread(slug: str):
    category = queries.category_by_slug(slug)
    services.ensure_can_write(current_user)
    form = NewThreadForm()
    if form.validate_on_submit():
        twins = [] if form.confirmed.data else _similar_to_question(form.title.data or "", form.body.data or "")
        if twins:
            # Asked once: the same form again, under the threads like it, posts the question as it is.
            form.confirmed.data = "1"
            return render_template("forum/new_thread.html", category=category, form=form, twins=twins)
        saved, thread = commit_form_change(
            form, lambda: services.start_thread(current_user, category, form.title.data or "", form.body.data or "")
        )
        if saved:
            return redirect(url_for("forum.thread", thread_id=thread.id, slug=thread.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("forum/new_thread.html", category=category, form=form), status


def _similar_to_question(title: str, body: str) -> list[Thread]:
    """The threads like a new question that would be accepted; none for one that would not, so
    that its errors are shown first."""
    try:
        title = services.check_title(title)
        services.check_body(body)
    except InvalidInput:
        return []
    return similar.question_twins(title)


@bp.get("/t/<int:thread_id>")
@bp.get("/t/<int:thread_id>/<slug>")
def thread(thread_id: int, slug: str | None = None):
    number = requested_page()
    thread = queries.visible_thread(thread_id)
    if slug != thread.slug or request.args.get("page") == "1":
        return redirect(
            url_for("forum.thread", thread_id=thread.id, slug=thread.slug, page=number if number > 1 else None), 301
        )
    page = queries.thread_posts(thread, number, current_app.config["POSTS_PER_PAGE"])
    solution = queries.visible_solution(thread)
    visits.thread_viewed(thread.id)
    note_public_page(freshness.thread_page(thread, page.items, solution))
    return render_template(
        "forum/thread.html",
        thread=thread,
        page=page,
        solution=solution,
        marked=reputation.marked_post_ids(current_user, page.items),
        flagged=moderation.flagged_post_ids(current_user, page.items),
        related=related.related_threads(thread),
        categories=queries.all_categories() if current_user.is_authenticated and current_user.is_staff else [],
        # Built for members only: a form issues a CSRF token, which would give each visitor a
        # session cookie and make the page unfit for a shared cache.
        reply_form=ReplyForm(formdata=None) if current_user.is_authenticated else None,
    )


@bp.route("/t/<int:thread_id>/reply", methods=["GET", "POST"])
@login_required
@limiter.limit(posting_limit, key_func=posting_key, methods=["POST"])
def reply(thread_id: int):
    thread = queries.visible_thread(thread_id)
    services.ensure_can_write(current_user, thread)
    form = ReplyForm()
    parent = _parent_post(form.reply_to.data if request.method == "POST" else request.args.get("reply_to"), thread)
    if form.validate_on_submit():
        saved, post = commit_form_change(
            form, lambda: services.reply(current_user, thread, form.body.data or "", reply_to=parent)
        )
        if saved:
            return redirect(post_url(post))
    elif request.method == "GET" and parent is not None:
        form.reply_to.data = str(parent.id)
        if request.args.get("quote") and parent.is_visible:
            form.body.data = services.quote(parent)
    status = 400 if request.method == "POST" else 200
    return render_template("forum/reply.html", thread=thread, parent=parent, form=form), status


def _parent_post(raw: str | None, thread: Thread) -> Post | None:
    """The post a reply answers, from the reply_to field; a bad value is the sender's error."""
    if not raw:
        return None
    parent = db.session.get(Post, int(raw)) if raw.isdecimal() and int(raw) <= MAX_ROW_ID else None
    if parent is None or parent.thread_id != thread.id:
        abort(400, _("The message you are replying to is not in this thread."))
    return parent


@bp.get("/p/<int:post_id>")
def post(post_id: int):
    return redirect(post_url(queries.post_by_id(post_id)))


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = queries.post_by_id(post_id)
    services.ensure_can_edit(current_user, post)
    form = EditPostForm()
    if form.validate_on_submit():
        title = form.title.data if post.is_opening else None
        saved, _changed = commit_form_change(
            form, lambda: services.edit_post(current_user, post, form.body.data or "", title=title)
        )
        if saved:
            return redirect(post_url(post))
    elif request.method == "GET":
        form.body.data = post.body_source
        form.title.data = post.thread.title
    status = 400 if request.method == "POST" else 200
    return render_template("forum/edit_post.html", post=post, form=form), status


@bp.post("/p/<int:post_id>/delete")
@login_required
def delete_post(post_id: int):
    post = queries.post_by_id(post_id)
    commit_change(lambda: services.delete_post(current_user, post))
    thread = post.thread
    if thread.deleted_at is not None:
        flash(_("Your thread has been deleted."), "info")
        return redirect(url_for("forum.category", slug=thread.category.slug))
    flash(_("Your message has been deleted."), "info")
    return redirect(post_url(post))


@bp.get("/p/<int:post_id>/history")
def post_history(post_id: int):
    post = queries.post_by_id(post_id)
    if not post.is_visible:
        abort(404)
    return render_template("forum/history.html", post=post, revisions=queries.revisions_of(post))
