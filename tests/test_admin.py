import re

import pytest
import sqlalchemy as sa

from app.accounts.models import ADMIN, MEMBER, MODERATOR, User
from app.admin import services
from app.errors import PermissionDenied
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post, Thread
from app.moderation import log
from app.moderation.models import ModerationAction
from tests.helpers import make_user

REASON = "Organisation du forum"


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def next_page(client, response) -> str:
    """The page a redirect leads to, with the message flashed on the way."""
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def log_lines() -> list[ModerationAction]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ModerationAction).order_by(ModerationAction.id)))


def category_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Category))


def slugs_in_order() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Category.slug).order_by(Category.position, Category.id)))


def opening_post(thread: Thread) -> Post:
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1))


def add_category(slug: str, position: int, name: str | None = None) -> Category:
    category = Category(name=name or slug.capitalize(), slug=slug, position=position)
    db.session.add(category)
    db.session.commit()
    return category


def category_fields(**changes) -> dict:
    return {
        "name": "Installation",
        "slug": "installation",
        "description": "Mettre en service.",
        "reason": REASON,
    } | changes


@pytest.fixture
def logged_admin(auth, admin):
    auth.login(admin)
    return admin


# Who may open the admin area


ROUTES = [
    ("get", "/admin", None),
    ("get", "/admin/categories/new", None),
    ("post", "/admin/categories/new", category_fields()),
    ("get", "/admin/categories/{category}/edit", None),
    ("post", "/admin/categories/{category}/edit", category_fields(name="Pannes", slug="pannes")),
    ("post", "/admin/categories/{category}/move", {"direction": "down", "reason": REASON}),
    ("post", "/admin/categories/{category}/delete", {"reason": REASON}),
    ("get", "/admin/users?q=bas", None),
    ("post", "/admin/users/Bastien/role", {"role": MODERATOR, "reason": REASON}),
]


@pytest.mark.parametrize("method, url, data", ROUTES)
@pytest.mark.parametrize(
    "who, status",
    [("visitor", 302), ("member", 403), ("moderator", 403), ("admin", None)],
)
def test_only_admins_may_use_the_admin_area(
    request, client, auth, category, other_member, who, status, method, url, data
):
    add_category("second", 2)
    if who != "visitor":
        auth.login(request.getfixturevalue(who))
    response = getattr(client, method)(url.format(category=category.id), data=data)
    if who == "admin":
        assert response.status_code == (200 if method == "get" else 302)
        assert len(log_lines()) == (0 if method == "get" else 1)
        return
    assert response.status_code == status
    if who == "visitor":
        assert response.headers["Location"].startswith("/login")
    else:
        assert "Only administrators may do this." in response.get_data(as_text=True)
    assert log_lines() == []
    assert slugs_in_order() == ["depannage", "second"]
    assert reload(User, other_member.id).role == MEMBER


@pytest.mark.parametrize("who", ["moderator", "member"])
def test_services_refuse_anyone_but_an_admin(request, category, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.create_category(user, "Nom", "", "", REASON)
    with pytest.raises(PermissionDenied):
        services.delete_category(user, category, REASON)


# The index


def test_index_lists_categories_in_order_with_counts_and_actions(client, logged_admin, thread):
    add_category("zzz-premiere", 0, name="Première")
    page = client.get("/admin").get_data(as_text=True)
    assert page.index("Première") < page.index("Dépannage")
    depannage = db.session.scalar(sa.select(Category).where(Category.slug == "depannage"))
    assert f"/admin/categories/{depannage.id}/edit" in page
    assert f"/admin/categories/{depannage.id}/move" in page
    assert f"/admin/categories/{depannage.id}/delete" in page
    assert "<dd>1</dd>" in page  # one thread, one message
    assert 'action="/admin/users"' in page


# Creating a category


def test_admin_creates_a_category_at_the_end_with_a_log_line(client, logged_admin, category):
    response = client.post("/admin/categories/new", data=category_fields())
    assert response.status_code == 302 and response.headers["Location"] == "/admin"
    created = db.session.scalar(sa.select(Category).where(Category.slug == "installation"))
    assert (created.name, created.description, created.position) == ("Installation", "Mettre en service.", 2)
    assert (created.thread_count, created.post_count) == (0, 0)
    [line] = log_lines()
    assert (line.actor_id, line.action, line.reason, line.category_id) == (
        logged_admin.id,
        log.CREATE_CATEGORY,
        REASON,
        created.id,
    )
    assert client.get("/c/installation").status_code == 200


def test_an_empty_slug_is_made_from_the_name(client, logged_admin):
    client.post("/admin/categories/new", data=category_fields(name="  Électricité   & éclairage ", slug=""))
    created = db.session.scalar(sa.select(Category))
    assert (created.name, created.slug) == ("Électricité & éclairage", "electricite-eclairage")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"slug": "Majuscules"}, "slug"),
        ({"slug": "avec espace"}, "slug"),
        ({"slug": "accentué"}, "slug"),
        ({"slug": "sous_tiret"}, "slug"),
        ({"slug": "../admin"}, "slug"),
        ({"slug": "x" * 81}, "slug"),
        ({"slug": "depannage"}, "slug"),  # taken
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 81}, "name"),
        ({"description": "d" * 501}, "description"),
    ],
)
def test_bad_category_fields_are_refused_beside_the_field(client, logged_admin, category, changes, field):
    response = client.post("/admin/categories/new", data=category_fields(**changes))
    assert response.status_code == 400
    assert f'id="{field}-errors"' in response.get_data(as_text=True)
    assert category_count() == 1
    assert log_lines() == []


def test_longest_accepted_fields(client, logged_admin):
    response = client.post(
        "/admin/categories/new", data=category_fields(name="n" * 80, slug="a-1" + "x" * 77, description="d" * 500)
    )
    assert response.status_code == 302
    assert category_count() == 1


def test_a_slug_taken_by_a_concurrent_request_is_a_form_error(client, logged_admin, category, monkeypatch):
    # The check found the slug free; another request committed it before this one did.
    monkeypatch.setattr(services, "check_slug", lambda slug, name, category=None: slug)
    response = client.post("/admin/categories/new", data=category_fields(slug="depannage"))
    assert response.status_code == 400
    assert "took this slug a moment ago" in response.get_data(as_text=True)
    assert category_count() == 1
    assert log_lines() == []


# Editing a category


def test_edit_form_shows_the_category(client, logged_admin, category):
    page = client.get(f"/admin/categories/{category.id}/edit").get_data(as_text=True)
    assert 'value="Dépannage"' in page and 'value="depannage"' in page and "Quand rien ne marche." in page


def test_admin_edits_a_category_with_a_log_line(client, logged_admin, thread):
    category_id = thread.category_id
    response = client.post(
        f"/admin/categories/{category_id}/edit",
        data=category_fields(name="Pannes", slug="pannes", description="Nouvelle description"),
    )
    assert response.status_code == 302
    category = reload(Category, category_id)
    assert (category.name, category.slug, category.description) == ("Pannes", "pannes", "Nouvelle description")
    assert (category.thread_count, category.position) == (1, 1)
    [line] = log_lines()
    assert (line.actor_id, line.action, line.reason, line.category_id) == (
        logged_admin.id,
        log.EDIT_CATEGORY,
        REASON,
        category_id,
    )
    assert client.get("/c/pannes").status_code == 200


def test_a_category_keeps_its_own_slug_when_edited(client, logged_admin, category):
    response = client.post(
        f"/admin/categories/{category.id}/edit", data=category_fields(name="Dépannage à domicile", slug="depannage")
    )
    assert response.status_code == 302
    assert reload(Category, category.id).name == "Dépannage à domicile"


def test_edit_refuses_another_categorys_slug(client, logged_admin, category):
    other = add_category("installation", 2)
    response = client.post(f"/admin/categories/{other.id}/edit", data=category_fields(slug="depannage"))
    assert response.status_code == 400
    assert "Another category already uses the slug" in response.get_data(as_text=True)
    assert reload(Category, other.id).slug == "installation"
    assert log_lines() == []


def test_an_edit_that_changes_nothing_writes_no_log_line(client, logged_admin, category):
    data = category_fields(name="Dépannage", slug="depannage", description="Quand rien ne marche.")
    response = client.post(f"/admin/categories/{category.id}/edit", data=data)
    assert "Nothing to change" in next_page(client, response)
    assert log_lines() == []


# Reordering


def test_admin_moves_a_category_up_and_down(client, logged_admin, category):
    second, third = add_category("second", 2), add_category("third", 3)
    response = client.post(f"/admin/categories/{third.id}/move", data={"direction": "up", "reason": REASON})
    assert response.status_code == 302
    assert slugs_in_order() == ["depannage", "third", "second"]
    client.post(f"/admin/categories/{category.id}/move", data={"direction": "down", "reason": REASON})
    assert slugs_in_order() == ["third", "depannage", "second"]
    assert [reload(Category, c.id).position for c in (third, category, second)] == [1, 2, 3]
    lines = log_lines()
    assert [(line.actor_id, line.action, line.reason, line.category_id) for line in lines] == [
        (logged_admin.id, log.REORDER_CATEGORY, REASON, third.id),
        (logged_admin.id, log.REORDER_CATEGORY, REASON, category.id),
    ]


def test_moving_works_whatever_the_stored_positions(client, logged_admin):
    # Ties and gaps, as older data or a hand-made database may hold.
    first, second, third = add_category("a", 5), add_category("b", 5), add_category("c", 40)
    client.post(f"/admin/categories/{second.id}/move", data={"direction": "up", "reason": REASON})
    assert slugs_in_order() == ["b", "a", "c"]
    assert sorted(reload(Category, c.id).position for c in (first, second, third)) == [1, 2, 3]


@pytest.mark.parametrize("slug, direction", [("depannage", "up"), ("second", "down")])
def test_moving_past_either_end_changes_nothing(client, logged_admin, category, slug, direction):
    add_category("second", 2)
    target = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    response = client.post(f"/admin/categories/{target.id}/move", data={"direction": direction, "reason": REASON})
    assert "already at that end" in next_page(client, response)
    assert slugs_in_order() == ["depannage", "second"]
    assert log_lines() == []


@pytest.mark.parametrize("direction", [None, "", "left", "UP"])
def test_a_move_needs_up_or_down(client, logged_admin, category, direction):
    add_category("second", 2)
    data = {"reason": REASON} | ({"direction": direction} if direction is not None else {})
    response = client.post(f"/admin/categories/{category.id}/move", data=data)
    assert response.status_code == 400
    assert "moves up or down" in response.get_data(as_text=True)
    assert slugs_in_order() == ["depannage", "second"]
    assert log_lines() == []


# Removing


def test_admin_removes_an_empty_category_and_the_log_keeps_its_history(client, logged_admin, category):
    category_id = category.id
    client.post(f"/admin/categories/{category_id}/edit", data=category_fields(name="Renommée", slug="renommee"))
    response = client.post(f"/admin/categories/{category_id}/delete", data={"reason": "Doublon de Installation"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin"
    assert reload(Category, category_id) is None
    edit, removal = log_lines()
    assert (edit.action, edit.reason, edit.category_id) == (log.EDIT_CATEGORY, REASON, None)
    assert (removal.actor_id, removal.action, removal.reason, removal.category_id) == (
        logged_admin.id,
        log.DELETE_CATEGORY,
        "Doublon de Installation",
        None,
    )
    assert client.get("/c/renommee").status_code == 404


@pytest.mark.parametrize("deleted", [False, True])
def test_a_category_that_ever_held_a_thread_cannot_be_removed(client, logged_admin, member, thread, deleted):
    if deleted:
        forum.delete_post(member, opening_post(thread))  # the thread goes with its only post
        db.session.commit()
        assert reload(Category, thread.category_id).thread_count == 0
    response = client.post(f"/admin/categories/{thread.category_id}/delete", data={"reason": REASON})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "holds 1 thread, deleted ones included" in page
    assert reload(Category, thread.category_id) is not None
    assert reload(Thread, thread.id).category_id == thread.category_id
    assert log_lines() == []


# Every change needs a reason


CHANGES = [
    ("/admin/categories/new", category_fields()),
    ("/admin/categories/{category}/edit", category_fields(name="Pannes", slug="pannes")),
    ("/admin/categories/{category}/move", {"direction": "down"}),
    ("/admin/categories/{category}/delete", {}),
    ("/admin/users/Camille/role", {"role": MODERATOR}),
]


@pytest.mark.parametrize("url, data", CHANGES)
@pytest.mark.parametrize("reason", [None, "", "   ", "ok", "x" * 501])
def test_every_admin_change_needs_a_reason(client, logged_admin, category, member, url, data, reason):
    add_category("second", 2)
    if reason is not None:
        data = data | {"reason": reason}
    else:
        data = {key: value for key, value in data.items() if key != "reason"}
    response = client.post(url.format(category=category.id), data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give the reason for this action" in page or "A reason has at most 500 characters" in page
    assert category_count() == 2
    assert slugs_in_order() == ["depannage", "second"]
    assert reload(Category, category.id).name == "Dépannage"
    assert reload(User, member.id).role == MEMBER
    assert log_lines() == []


def test_the_reason_is_stored_with_its_spaces_collapsed(client, logged_admin):
    client.post("/admin/categories/new", data=category_fields(reason="  Demande   des membres \n"))
    assert log_lines()[0].reason == "Demande des membres"


# Members and roles


def test_member_search_matches_the_start_of_names_ignoring_case(client, logged_admin, member, other_member):
    make_user("Camillo")
    make_user("Acamille")
    page = client.get("/admin/users?q=CAMI").get_data(as_text=True)
    assert "Camille" in page and "Camillo" in page
    assert "Acamille" not in page and "Bastien" not in page
    assert "Make moderator" in page


def test_member_search_treats_like_wildcards_as_text(client, logged_admin, member):
    assert "Camille" not in client.get("/admin/users?q=%25").get_data(as_text=True)
    assert "Camille" not in client.get("/admin/users?q=_amille").get_data(as_text=True)


def test_member_search_for_a_name_holding_a_nul_finds_no_one(client, logged_admin, member):
    response = client.get("/admin/users", query_string={"q": "Cam\x00"})
    assert response.status_code == 200
    assert "Camille" not in response.get_data(as_text=True)


def test_member_search_shows_at_most_50(app):
    for number in range(55):
        make_user(f"membre{number:02d}")
    assert len(services.search_members("membre")) == services.MEMBER_SEARCH_LIMIT == 50


def test_without_a_search_the_users_page_lists_the_staff(client, logged_admin, moderator, member):
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Modo" in page and "Admin" in page and "Camille" not in page
    assert "Remove the moderator role" in page


def test_admin_grants_the_moderator_role_with_a_log_line(client, logged_admin, member):
    response = client.post("/admin/users/camille/role", data={"role": MODERATOR, "reason": REASON})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users?q=Camille"
    assert reload(User, member.id).role == MODERATOR
    [line] = log_lines()
    assert (line.actor_id, line.action, line.reason, line.user_id) == (
        logged_admin.id,
        log.GRANT_MODERATOR,
        REASON,
        member.id,
    )


def test_admin_revokes_the_moderator_role_with_a_log_line(client, logged_admin, moderator):
    response = client.post("/admin/users/Modo/role", data={"role": MEMBER, "reason": "Départ de l'équipe"})
    assert response.status_code == 302
    assert reload(User, moderator.id).role == MEMBER
    [line] = log_lines()
    assert (line.actor_id, line.action, line.reason, line.user_id) == (
        logged_admin.id,
        log.REVOKE_MODERATOR,
        "Départ de l'équipe",
        moderator.id,
    )


@pytest.mark.parametrize("who, role", [("member", MEMBER), ("moderator", MODERATOR)])
def test_giving_the_same_role_again_changes_nothing(request, client, logged_admin, who, role):
    user = request.getfixturevalue(who)
    response = client.post(f"/admin/users/{user.username}/role", data={"role": role, "reason": REASON})
    assert "already has this role" in next_page(client, response)
    assert reload(User, user.id).role == role
    assert log_lines() == []


@pytest.mark.parametrize("role", [MEMBER, MODERATOR])
def test_an_admin_cannot_change_their_own_role(client, logged_admin, role):
    response = client.post("/admin/users/Admin/role", data={"role": role, "reason": REASON})
    assert response.status_code == 403
    assert "You cannot change your own role." in response.get_data(as_text=True)
    assert reload(User, logged_admin.id).role == ADMIN
    assert log_lines() == []


@pytest.mark.parametrize("role", [MEMBER, MODERATOR])
def test_an_admin_cannot_change_another_admins_role(client, logged_admin, role):
    other = make_user("Direction", role=ADMIN)
    response = client.post("/admin/users/Direction/role", data={"role": role, "reason": REASON})
    assert response.status_code == 403
    assert "An administrator&#39;s role cannot be changed here." in response.get_data(as_text=True)
    assert reload(User, other.id).role == ADMIN
    assert log_lines() == []


@pytest.mark.parametrize("role", [None, "", ADMIN, "superuser"])
def test_only_member_and_moderator_can_be_given(client, logged_admin, member, role):
    data = {"reason": REASON} | ({"role": role} if role is not None else {})
    response = client.post("/admin/users/Camille/role", data=data)
    assert response.status_code == 400
    assert "The role is member or moderator." in response.get_data(as_text=True)
    assert reload(User, member.id).role == MEMBER
    assert log_lines() == []


def test_users_page_offers_no_role_change_for_oneself_or_admins(client, logged_admin):
    make_user("Adjoint", role=ADMIN)
    page = client.get("/admin/users?q=ad").get_data(as_text=True)
    assert "/admin/users/Admin/role" not in page and "/admin/users/Adjoint/role" not in page
    assert "You cannot change your own role." in page


# Unknown targets


@pytest.mark.parametrize(
    "method, url, data",
    [
        ("get", "/admin/categories/999/edit", None),
        ("post", "/admin/categories/999/edit", category_fields()),
        ("post", "/admin/categories/999/move", {"direction": "up", "reason": REASON}),
        ("post", "/admin/categories/999/delete", {"reason": REASON}),
        ("post", "/admin/users/Personne/role", {"role": MODERATOR, "reason": REASON}),
    ],
)
def test_unknown_categories_and_members_are_404(client, logged_admin, method, url, data):
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 404
    assert log_lines() == []


# CSRF, on as in production


@pytest.fixture
def csrf_client(app, client, auth, admin):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(admin)
    return client


def test_admin_pages_are_not_indexed_and_their_forms_carry_csrf_tokens(csrf_client, category, member):
    for url in ("/admin", "/admin/categories/new", f"/admin/categories/{category.id}/edit", "/admin/users?q=cam"):
        page = csrf_client.get(url).get_data(as_text=True)
        assert '<meta name="robots" content="noindex">' in page
        forms = re.findall(r'<form method="post".*?</form>', page, re.S)
        assert forms
        for form in forms:
            assert 'name="csrf_token"' in form


@pytest.mark.parametrize(
    "url, data",
    [
        ("/admin/categories/new", category_fields()),
        ("/admin/categories/{category}/move", {"direction": "down", "reason": REASON}),
        ("/admin/categories/{category}/delete", {"reason": REASON}),
        ("/admin/users/Camille/role", {"role": MODERATOR, "reason": REASON}),
    ],
)
def test_admin_changes_need_a_csrf_token(csrf_client, category, member, url, data):
    response = csrf_client.post(url.format(category=category.id), data=data)
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert category_count() == 1
    assert reload(User, member.id).role == MEMBER
    assert log_lines() == []
