from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import MODERATOR
from app.accounts.roles import admin_required
from app.accounts.services import find_by_username
from app.admin import services
from app.admin.forms import CategoryForm, MemberSearchForm
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.forms import commit_change, commit_form_change
from app.forum import queries as forum_queries
from app.forum.models import Category

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound(_("This category does not exist."))
    return category


def _slug_taken_meanwhile() -> InvalidInput:
    """The slug was free when checked, but another request committed it first."""
    return InvalidInput(_("Another category took this slug a moment ago. Please choose another."), "slug")


def _thread_started_meanwhile() -> InvalidInput:
    """The category was empty when checked, but another request committed a thread in it first."""
    return InvalidInput(_("A thread was started in this category a moment ago: it cannot be removed."))


def _index_page(error: InvalidInput | None = None):
    """The admin home page; a refused action shows it again with the reason, answering 400."""
    page = render_template(
        "admin/index.html",
        categories=forum_queries.all_categories(),
        search_form=MemberSearchForm(formdata=None),
        error=error.message if error else None,
    )
    return (page, error.status_code) if error else page


def _users_page(q: str, error: InvalidInput | None = None):
    q = q.strip()
    page = render_template(
        "admin/users.html",
        q=q,
        users=services.search_members(q) if q else services.staff(),
        search_form=MemberSearchForm(formdata=None, q=q),
        role_refusal=services.role_refusal,
        limit=services.MEMBER_SEARCH_LIMIT,
        error=error.message if error else None,
    )
    return (page, error.status_code) if error else page


def _category_page(form: CategoryForm, category: Category | None):
    """The category form; a sent form that was refused answers 400."""
    status = 400 if request.method == "POST" else 200
    return render_template("admin/category_form.html", form=form, category=category), status


@bp.get("")
@admin_required
def index():
    return _index_page()


@bp.route("/categories/new", methods=["GET", "POST"])
@admin_required
def create_category():
    form = CategoryForm()
    if form.validate_on_submit():
        saved, category = commit_form_change(
            form,
            lambda: services.create_category(
                current_user,
                form.name.data or "",
                form.slug.data or "",
                form.description.data or "",
                form.reason.data,
                kind=form.kind.data,
            ),
            _slug_taken_meanwhile,
        )
        if saved:
            flash(_("The category “%(name)s” has been created.", name=category.name), "success")
            return redirect(url_for("admin.index"))
    return _category_page(form, None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_category(category_id: int):
    category = _category(category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        saved, changed = commit_form_change(
            form,
            lambda: services.edit_category(
                current_user,
                category,
                form.name.data or "",
                form.slug.data or "",
                form.description.data or "",
                form.reason.data,
                kind=form.kind.data,
            ),
            _slug_taken_meanwhile,
        )
        if saved:
            if changed:
                flash(_("The category “%(name)s” has been changed.", name=category.name), "success")
            else:
                flash(_("Nothing to change: the category is already so."), "info")
            return redirect(url_for("admin.index"))
    return _category_page(form, category)


@bp.post("/categories/<int:category_id>/move")
@admin_required
def move_category(category_id: int):
    category = _category(category_id)
    direction, reason = request.form.get("direction"), request.form.get("reason")
    try:
        moved = commit_change(lambda: services.move_category(current_user, category, direction, reason))
    except InvalidInput as error:
        return _index_page(error)
    if not moved:
        flash(_("The category “%(name)s” is already at that end of the list.", name=category.name), "info")
    return redirect(url_for("admin.index"))


@bp.post("/categories/<int:category_id>/delete")
@admin_required
def delete_category(category_id: int):
    category = _category(category_id)
    name = category.name
    try:
        commit_change(
            lambda: services.delete_category(current_user, category, request.form.get("reason")),
            _thread_started_meanwhile,
        )
    except InvalidInput as error:
        return _index_page(error)
    flash(_("The category “%(name)s” has been removed.", name=name), "success")
    return redirect(url_for("admin.index"))


@bp.get("/users")
@admin_required
def users():
    return _users_page(request.args.get("q", ""))


@bp.post("/users/<username>/role")
@admin_required
def change_role(username: str):
    user = find_by_username(username)
    if user is None:
        raise NotFound(_("No member goes by this name."))
    # The search the form was sent from, shown again afterwards.
    q = request.form.get("q") or user.username
    role, reason = request.form.get("role"), request.form.get("reason")
    try:
        changed = commit_change(lambda: services.change_role(current_user, user, role, reason))
    except InvalidInput as error:
        return _users_page(q, error)
    if not changed:
        flash(_("%(name)s already has this role.", name=user.username), "info")
    elif user.role == MODERATOR:
        flash(_("%(name)s is now a moderator.", name=user.username), "success")
    else:
        flash(_("%(name)s is a member again, no longer a moderator.", name=user.username), "success")
    return redirect(url_for("admin.users", q=q))
