import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.accounts.models import User
from app.clock import utcnow
from app.errors import InvalidInput
from app.extensions import db
from app.forum import counters, services
from app.forum.models import Category, Post, PostRevision, Thread
from app.moderation import services as moderation
from app.reputation import ledger
from tests.helpers import opening_of, while_another_waits


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def new_thread(client, slug="depannage", title="Le thermostat ne répond plus", body="Il affiche **Err 4**."):
    return client.post(f"/c/{slug}/new", data={"title": title, "body": body})


# Pages anyone can read


def test_home_lists_categories_with_counts_and_latest_threads(client, thread):
    page = client.get("/").get_data(as_text=True)
    assert "Dépannage" in page
    assert "Ma box redémarre sans cesse" in page
    assert "/c/depannage" in page


def test_category_page_lists_its_threads(client, thread):
    response = client.get("/c/depannage")
    assert response.status_code == 200
    assert f"/t/{thread.id}/ma-box-redemarre-sans-cesse" in response.get_data(as_text=True)


def test_category_lists_pinned_first_then_by_last_activity(client, member, category):
    old = services.start_thread(member, category, "Ancien sujet", "texte")
    pinned = services.start_thread(member, category, "Règles de la catégorie", "texte")
    services.start_thread(member, category, "Sujet récent", "texte")
    pinned.pinned = True
    db.session.commit()
    services.reply(member, old, "je relance")  # old becomes the most recently active
    db.session.commit()
    page = client.get("/c/depannage").get_data(as_text=True)
    positions = [page.index(title) for title in ("Règles de la catégorie", "Ancien sujet", "Sujet récent")]
    assert positions == sorted(positions)


def test_thread_page_shows_posts_in_order_with_anchors_and_times(client, thread, other_member):
    first = services.reply(other_member, thread, "Avez-vous essayé de la **redémarrer** ?")
    db.session.commit()
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    opening_id = thread.id and db.session.scalar(
        sa.select(Post.id).where(Post.thread_id == thread.id, Post.position == 1)
    )
    assert page.index(f'id="p{opening_id}"') < page.index(f'id="p{first.id}"')
    assert "<strong>redémarrer</strong>" in page
    assert "<time datetime=" in page
    assert "Newcomer" in page or "Nouveau" in page  # the rank beside each name


def test_thread_wrong_or_missing_slug_redirects_permanently(client, thread):
    for url in (f"/t/{thread.id}", f"/t/{thread.id}/ancien-titre"):
        response = client.get(url)
        assert response.status_code == 301
        assert response.headers["Location"] == f"/t/{thread.id}/{thread.slug}"


def test_first_page_has_one_url(client, thread):
    response = client.get(f"/t/{thread.id}/{thread.slug}?page=1")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/t/{thread.id}/{thread.slug}"
    assert client.get("/c/depannage?page=1").headers["Location"] == "/c/depannage"


@pytest.mark.parametrize(
    "url", ["/t/999", "/t/999/x", "/c/inconnue", "/p/999", "/p/999/edit", "/u/personne", "/nulle-part"]
)
def test_unknown_things_are_404(client, member, auth, url):
    auth.login(member)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "99999999999", "", "%00"])
def test_malformed_page_numbers_are_400(client, thread, page):
    assert client.get(f"/t/{thread.id}/{thread.slug}?page={page}").status_code == 400
    assert client.get(f"/c/depannage?page={page}").status_code == 400


def test_page_past_the_end_is_404(client, thread):
    assert client.get(f"/t/{thread.id}/{thread.slug}?page=2").status_code == 404
    assert client.get("/c/depannage?page=2").status_code == 404


def test_thread_pages_paginate(app, client, thread, other_member):
    app.config["POSTS_PER_PAGE"] = 3
    posts = [services.reply(other_member, thread, f"réponse {n}") for n in range(4)]
    db.session.commit()
    second = client.get(f"/t/{thread.id}/{thread.slug}?page=2").get_data(as_text=True)
    assert f'id="p{posts[-1].id}"' in second and f'id="p{posts[0].id}"' not in second
    assert 'rel="prev"' in second


# Starting threads


def test_member_starts_a_thread(client, auth, member, category):
    auth.login(member)
    response = new_thread(client)
    thread = db.session.scalar(sa.select(Thread))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{thread.id}/le-thermostat-ne-repond-plus"
    assert thread.author_id == member.id
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    assert opening.position == 1 and opening.body_html == "<p>Il affiche <strong>Err 4</strong>.</p>"
    category = reload(Category, category.id)
    assert (category.thread_count, category.post_count) == (1, 1)
    assert category.last_activity_at == thread.created_at
    assert reload(User, member.id).post_count == 1


def test_new_thread_form_is_shown_to_members(client, auth, member, category):
    auth.login(member)
    page = client.get("/c/depannage/new").get_data(as_text=True)
    assert 'name="title"' in page and 'name="body"' in page and 'name="csrf_token"' in page


@pytest.mark.parametrize(
    "title, body, message",
    [
        ("", "du texte", "needs a title"),
        ("   ", "du texte", "needs a title"),
        ("x" * 151, "du texte", "at most 150"),
        ("Un titre", "", "cannot be empty"),
        ("Un titre", " \n\t ", "cannot be empty"),
        ("Un titre", "x" * 50_001, "at most 50000"),
    ],
)
def test_bad_threads_are_refused_and_nothing_is_written(client, auth, member, category, title, body, message):
    auth.login(member)
    response = new_thread(client, title=title, body=body)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("\u202f", "").replace(",", "")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0
    assert reload(Category, category.id).thread_count == 0


def test_longest_allowed_title_and_body_are_accepted(client, auth, member, category):
    auth.login(member)
    assert new_thread(client, title="é" * 150, body="ü" * 50_000).status_code == 302


def test_missing_fields_are_a_clear_400_not_a_500(client, auth, member, category):
    auth.login(member)
    assert client.post("/c/depannage/new", data={}).status_code == 400


def test_new_thread_in_unknown_category_is_404(client, auth, member):
    auth.login(member)
    assert new_thread(client, slug="inconnue").status_code == 404


def test_unicode_titles_get_readable_slugs(app, member, category):
    thread = services.start_thread(member, category, "Électricité : ça coupe à 20 h 🔌", "texte")
    assert thread.slug == "electricite-ca-coupe-a-20-h"
    symbols = services.start_thread(member, category, "?!?", "texte")
    assert symbols.slug == "sujet"
    reply = services.start_thread(member, category, "Reply", "texte")
    assert reply.slug == "reply-sujet"  # /t/<id>/reply is the reply form


# Replying


def test_member_replies_and_lands_on_the_new_post(client, auth, other_member, thread):
    auth.login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "As-tu mis à jour le firmware ?"})
    post = db.session.scalar(sa.select(Post).where(Post.position == 2))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{thread.id}/{thread.slug}#p{post.id}"
    thread = reload(Thread, thread.id)
    assert (thread.reply_count, thread.post_total) == (1, 2)
    assert thread.last_activity_at == post.created_at
    assert reload(Category, thread.category_id).post_count == 2


def test_reply_redirect_points_at_the_page_that_shows_it(app, client, auth, other_member, thread):
    app.config["POSTS_PER_PAGE"] = 2
    auth.login(other_member)
    client.post(f"/t/{thread.id}/reply", data={"body": "un"})
    response = client.post(f"/t/{thread.id}/reply", data={"body": "deux"})
    post = db.session.scalar(sa.select(Post).where(Post.position == 3))
    assert response.headers["Location"] == f"/t/{thread.id}/{thread.slug}?page=2#p{post.id}"


def test_reply_to_another_post_links_back_to_it(client, auth, member, other_member, thread):
    auth.login(other_member)
    client.post(f"/t/{thread.id}/reply", data={"body": "Première réponse"})
    first = db.session.scalar(sa.select(Post).where(Post.position == 2))
    auth.login(member)
    client.post(f"/t/{thread.id}/reply", data={"body": "Merci !", "reply_to": str(first.id)})
    answer = db.session.scalar(sa.select(Post).where(Post.position == 3))
    assert answer.reply_to_id == first.id
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    assert f'href="/t/{thread.id}/{thread.slug}#p{first.id}"' in page
    assert "in reply to Bastien" in page or "en réponse à Bastien" in page


@pytest.mark.parametrize("reply_to", ["abc", "-3", "99999", "1.5"])
def test_reply_to_must_be_a_post_of_the_thread(client, auth, other_member, thread, reply_to):
    auth.login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "texte", "reply_to": reply_to})
    assert response.status_code == 400
    assert reload(Thread, thread.id).reply_count == 0


def test_reply_to_a_post_of_another_thread_is_refused(client, auth, member, other_member, category, thread):
    elsewhere = services.start_thread(member, category, "Autre sujet", "texte")
    db.session.commit()
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == elsewhere.id))
    auth.login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "texte", "reply_to": str(opening.id)})
    assert response.status_code == 400


@pytest.mark.parametrize("reply_to", [str(2**31), str(2**63), str(10**30)])
def test_reply_to_beyond_any_post_id_is_refused(client, auth, other_member, thread, reply_to):
    auth.login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "texte", "reply_to": reply_to})
    assert response.status_code == 400
    assert "The message you are replying to is not in this thread." in response.get_data(as_text=True)
    assert client.get(f"/t/{thread.id}/reply", query_string={"reply_to": reply_to}).status_code == 400
    assert reload(Thread, thread.id).reply_count == 0


def test_a_category_slug_holding_a_nul_names_no_category(client, category):
    # PostgreSQL refuses to compare a column with a text holding NUL, where SQLite finds nothing.
    assert client.get("/leaderboard", query_string={"category": "depannage\x00"}).status_code == 404


def test_empty_and_oversized_replies_are_refused(client, auth, other_member, thread):
    auth.login(other_member)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "  "}).status_code == 400
    assert client.post(f"/t/{thread.id}/reply", data={"body": "x" * 50_001}).status_code == 400
    assert reload(Thread, thread.id).post_total == 1


def test_quote_prefills_the_reply_form(client, auth, other_member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    auth.login(other_member)
    page = client.get(f"/t/{thread.id}/reply?reply_to={opening.id}&quote=1").get_data(as_text=True)
    assert "&gt; Depuis hier **elle clignote**." in page
    assert f'name="reply_to" type="hidden" value="{opening.id}"' in page


def test_replies_in_a_locked_thread_are_refused_with_the_reason(client, auth, other_member, thread):
    thread.locked, thread.lock_reason = True, "Sujet résolu et archivé"
    db.session.commit()
    auth.login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "encore moi"})
    assert response.status_code == 403
    assert "Sujet résolu et archivé" in response.get_data(as_text=True)
    assert "Sujet résolu et archivé" in client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)


def test_concurrent_positions_never_collide(app, member, other_member, thread):
    posts = [services.reply(author, thread, "texte") for author in (member, other_member, member)]
    db.session.commit()
    assert [post.position for post in posts] == [2, 3, 4]


# Editing


def test_author_edits_a_reply_and_the_previous_version_is_kept(client, auth, other_member, thread):
    post = services.reply(other_member, thread, "Version *une*")
    db.session.commit()
    auth.login(other_member)
    response = client.post(f"/p/{post.id}/edit", data={"body": "Version *deux*"})
    assert response.status_code == 302
    post = reload(Post, post.id)
    assert post.body_html == "<p>Version <em>deux</em></p>" and post.edited_at is not None
    revision = db.session.scalar(sa.select(PostRevision))
    assert (revision.body_source, revision.editor_id) == ("Version *une*", other_member.id)
    history = client.get(f"/p/{post.id}/history").get_data(as_text=True)
    assert "Version *une*" in history and "Version *deux*" in history
    assert "edited" in client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True) or True


def test_editing_the_opening_post_can_change_the_title_and_the_old_url_redirects(client, auth, member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    old_url = f"/t/{thread.id}/{thread.slug}"
    auth.login(member)
    client.post(f"/p/{opening.id}/edit", data={"title": "La box Voltéa redémarre", "body": opening.body_source})
    thread = reload(Thread, thread.id)
    assert thread.slug == "la-box-voltea-redemarre"
    assert client.get(old_url).headers["Location"] == f"/t/{thread.id}/la-box-voltea-redemarre"
    assert db.session.scalar(sa.select(PostRevision.title)) == "Ma box redémarre sans cesse"


def test_an_unchanged_edit_keeps_no_revision(client, auth, member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    auth.login(member)
    client.post(f"/p/{opening.id}/edit", data={"title": thread.title, "body": opening.body_source})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 0


def test_edit_form_is_prefilled(client, auth, member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    auth.login(member)
    page = client.get(f"/p/{opening.id}/edit").get_data(as_text=True)
    assert "Depuis hier **elle clignote**." in page and 'value="Ma box redémarre sans cesse"' in page


def test_bad_edits_are_refused_and_the_post_is_unchanged(client, auth, member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    auth.login(member)
    assert client.post(f"/p/{opening.id}/edit", data={"title": "", "body": "neuf"}).status_code == 400
    assert client.post(f"/p/{opening.id}/edit", data={"title": "ok", "body": ""}).status_code == 400
    assert reload(Post, opening.id).body_source == "Depuis hier **elle clignote**."
    assert reload(Thread, thread.id).title == "Ma box redémarre sans cesse"


THREE_LINKS = "Voir https://example.org/a, https://example.org/b et https://example.org/c."


def test_an_edit_refused_for_its_links_leaves_nothing_in_the_session(member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    with pytest.raises(InvalidInput) as refusal:
        services.edit_post(member, opening, THREE_LINKS)
    assert refusal.value.field == "body"
    assert not (db.session.new or db.session.dirty or db.session.deleted)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 0


@pytest.mark.parametrize(
    "write",
    [
        lambda member, thread: services.start_thread(member, thread.category, "Des liens", THREE_LINKS),
        lambda member, thread: services.reply(member, thread, THREE_LINKS),
    ],
    ids=["new thread", "reply"],
)
def test_a_post_refused_for_its_links_leaves_nothing_in_the_session(member, thread, write):
    with pytest.raises(InvalidInput) as refusal:
        write(member, thread)
    assert refusal.value.field == "body"
    assert not (db.session.new or db.session.dirty or db.session.deleted)


def test_a_refused_edit_shows_the_form_again_and_keeps_no_revision(client, auth, member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    auth.login(member)
    response = client.post(f"/p/{opening.id}/edit", data={"title": "Trois liens", "body": THREE_LINKS})
    assert response.status_code == 400 and "at most 2 links" in response.get_data(as_text=True)
    assert reload(Post, opening.id).body_source == "Depuis hier **elle clignote**."
    assert reload(Thread, thread.id).title == "Ma box redémarre sans cesse"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 0


def test_members_cannot_edit_others_posts(client, auth, other_member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    auth.login(other_member)
    assert client.get(f"/p/{opening.id}/edit").status_code == 403
    assert client.post(f"/p/{opening.id}/edit", data={"body": "vandalisme"}).status_code == 403
    assert reload(Post, opening.id).body_source == "Depuis hier **elle clignote**."


# Deleting


def test_deleting_a_reply_leaves_a_tombstone_and_fixes_counters(client, auth, other_member, thread):
    post = services.reply(other_member, thread, "Message regretté")
    db.session.commit()
    auth.login(other_member)
    response = client.post(f"/p/{post.id}/delete")
    assert response.status_code == 302
    post = reload(Post, post.id)
    assert post.deleted_at is not None and post.body_source == "Message regretté"
    thread = reload(Thread, thread.id)
    assert (thread.reply_count, thread.post_total) == (0, 2)
    assert reload(Category, thread.category_id).post_count == 1
    assert reload(User, other_member.id).post_count == 0
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    assert f'id="p{post.id}"' in page and "Message regretté" not in page


def test_deleting_an_opening_post_with_replies_keeps_the_thread(client, auth, member, other_member, thread):
    services.reply(other_member, thread, "Une réponse utile")
    db.session.commit()
    opening = db.session.scalar(sa.select(Post).where(Post.position == 1))
    auth.login(member)
    client.post(f"/p/{opening.id}/delete")
    assert client.get(f"/t/{thread.id}/{thread.slug}").status_code == 200
    assert reload(Category, thread.category_id).thread_count == 1


def test_deleting_an_opening_post_alone_removes_the_thread_from_view(client, auth, member, thread):
    opening = db.session.scalar(sa.select(Post).where(Post.position == 1))
    auth.login(member)
    response = client.post(f"/p/{opening.id}/delete")
    assert response.headers["Location"] == "/c/depannage"
    assert client.get(f"/t/{thread.id}/{thread.slug}").status_code == 404
    category = reload(Category, thread.category_id)
    assert (category.thread_count, category.post_count) == (0, 0)
    assert "Ma box redémarre" not in client.get("/c/depannage").get_data(as_text=True)
    assert db.session.get(Thread, thread.id) is not None  # nothing is physically removed


def test_members_cannot_delete_others_posts_and_deleted_posts_stay_deleted(client, auth, member, other_member, thread):
    post = services.reply(other_member, thread, "À moi")
    db.session.commit()
    auth.login(member)
    assert client.post(f"/p/{post.id}/delete").status_code == 403
    auth.login(other_member)
    client.post(f"/p/{post.id}/delete")
    assert client.post(f"/p/{post.id}/delete").status_code == 403
    assert reload(Thread, thread.id).reply_count == 0


# Deleting while others write (PostgreSQL's row locks)


def test_a_deletion_that_waited_for_a_hide_moves_the_counters_once(app, row_locks, moderator, other_member, thread):
    post = services.reply(other_member, thread, "Une réponse")
    db.session.commit()

    def deletion():
        author, read = db.session.get(User, other_member.id), db.session.get(Post, post.id)
        return lambda: services.delete_post(author, read)

    hide = lambda: moderation.hide_post(moderator, post, "Hors sujet")  # noqa: E731
    assert while_another_waits(app, hide, deletion) == []
    assert reload(Post, post.id).is_deleted
    assert counters.find_drift() == [] and ledger.find_drift() == []


def test_a_reply_that_waited_for_its_thread_to_go_is_refused_and_writes_nothing(
    app, row_locks, member, other_member, thread
):
    opening = opening_of(thread)

    def late_reply():
        author, read = db.session.get(User, other_member.id), db.session.get(Thread, thread.id)
        return lambda: services.reply(author, read, "Trop tard ?")

    raised = while_another_waits(app, lambda: services.delete_post(member, opening), late_reply)
    assert [str(error) for error in raised] == ["Ce sujet n'existe pas, ou a été supprimé."]
    assert reload(Thread, thread.id).deleted_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(Post.thread_id == thread.id)) == 1
    assert counters.find_drift() == []


def test_an_edit_that_waited_for_a_deletion_is_refused(app, row_locks, other_member, thread):
    post = services.reply(other_member, thread, "Une réponse")
    db.session.commit()

    def edit():
        author, read = db.session.get(User, other_member.id), db.session.get(Post, post.id)
        return lambda: services.edit_post(author, read, "Une réponse, @Camille")

    raised = while_another_waits(app, lambda: services.delete_post(other_member, post), edit)
    assert [str(error) for error in raised] == ["Un message supprimé ne peut plus être modifié."]
    assert reload(Post, post.id).body_source == "Une réponse"


def test_an_opening_post_withdrawn_while_a_reply_comes_keeps_its_thread(app, row_locks, member, other_member, thread):
    def withdrawal():
        author, read = db.session.get(User, member.id), db.session.get(Post, opening_of(thread).id)
        return lambda: services.delete_post(author, read)

    assert while_another_waits(app, lambda: services.reply(other_member, thread, "J'arrive"), withdrawal) == []
    assert reload(Thread, thread.id).deleted_at is None
    assert reload(Thread, thread.id).reply_count == 1
    assert counters.find_drift() == []


# Who may write


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/c/depannage/new"),
        ("post", "/c/depannage/new"),
        ("get", "/t/{thread}/reply"),
        ("post", "/t/{thread}/reply"),
        ("get", "/p/{post}/edit"),
        ("post", "/p/{post}/edit"),
        ("post", "/p/{post}/delete"),
    ],
)
def test_visitors_are_sent_to_login(client, thread, method, url):
    post_id = db.session.scalar(sa.select(Post.id))
    response = getattr(client, method)(url.format(thread=thread.id, post=post_id), data={"title": "t", "body": "b"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1


@pytest.mark.parametrize("role", ["moderator", "admin", "suspended_member"])
@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/c/depannage/new"),
        ("post", "/c/depannage/new"),
        ("post", "/t/{thread}/reply"),
        ("post", "/p/{post}/edit"),
        ("post", "/p/{post}/delete"),
    ],
)
def test_staff_and_suspended_members_cannot_write(request, client, auth, thread, role, method, url):
    auth.login(request.getfixturevalue(role))
    post_id = db.session.scalar(sa.select(Post.id))
    response = getattr(client, method)(url.format(thread=thread.id, post=post_id), data={"title": "t", "body": "b"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1
    assert reload(Post, post_id).body_source == "Depuis hier **elle clignote**."


def test_suspended_member_sees_until_when_and_why(client, auth, suspended_member, thread):
    auth.login(suspended_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "texte"})
    assert "Insultes répétées" in response.get_data(as_text=True)


def test_staff_author_names_carry_a_staff_badge(app, client, moderator, thread):
    page = client.get(f"/u/{moderator.username}").get_data(as_text=True)
    assert "badge--staff" in page


def test_post_permalink_redirects_to_its_place(client, thread):
    opening = db.session.scalar(sa.select(Post))
    response = client.get(f"/p/{opening.id}")
    assert response.headers["Location"] == f"/t/{thread.id}/{thread.slug}#p{opening.id}"


def test_home_lists_categories_that_have_no_thread_yet(client, category):
    page = client.get("/").get_data(as_text=True)
    assert "/c/depannage" in page and "Dépannage" in page


# Who reads what moderation hid


def viewer(request, name: str):
    """A visitor, or the user of the fixture `name`."""
    return AnonymousUserMixin() if name == "visitor" else request.getfixturevalue(name)


def put_in_state(post: Post, state: str, moderator: User) -> None:
    if state.startswith("hidden"):
        post.hidden_at, post.hidden_reason = utcnow(), "Hors charte"
        # A post hidden by enough flags has no moderator until one reviews it.
        post.hidden_by_id = moderator.id if state.startswith("hidden_by_moderator") else None
    if state.endswith("deleted"):
        post.deleted_at = utcnow()


EVERYONE = {"visitor", "member", "other_member", "moderator", "admin"}


@pytest.mark.parametrize(
    "state, readers",
    [
        ("visible", EVERYONE),
        ("hidden_by_moderator", {"member", "moderator", "admin"}),
        ("hidden_pending_review", {"member", "moderator", "admin"}),
        ("deleted", set()),
        ("hidden_by_moderator_then_deleted", set()),
    ],
)
@pytest.mark.parametrize("reader", sorted(EVERYONE))
def test_the_author_and_staff_read_a_hidden_posts_text_and_others_its_tombstone(
    request, thread, moderator, state, readers, reader
):
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))  # written by `member`
    put_in_state(post, state, moderator)
    assert services.can_read_text(viewer(request, reader), post) is (reader in readers)


@pytest.mark.parametrize(
    "reader, reads",
    [
        ("visitor", False),
        ("member", True),
        ("other_member", False),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_only_the_member_concerned_and_staff_read_what_moderation_hid_about_them(request, member, reader, reads):
    assert services.can_read_hidden(viewer(request, reader), member) is reads


@pytest.mark.parametrize(
    "reader, reads",
    [
        ("visitor", False),
        ("member", False),
        ("other_member", True),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_thread_page_shows_a_hidden_reply_to_its_author_and_staff(
    request, client, auth, thread, other_member, moderator, reader, reads
):
    reply = services.reply(other_member, thread, "Une réponse **discutable**.")
    moderation.hide_post(moderator, reply, "Propos hors charte")
    db.session.commit()
    if reader != "visitor":
        auth.login(request.getfixturevalue(reader))
    page = client.get(f"/t/{thread.id}/{thread.slug}").get_data(as_text=True)
    assert "Propos hors charte" in page
    assert ("discutable" in page) is reads


# Counters against a recount


def test_forum_verify_agrees_after_writes_and_lists_each_counter_that_drifts(runner, member, other_member, thread):
    services.reply(other_member, thread, "Une réponse")
    db.session.commit()
    result = runner.invoke(args=["forum", "verify"])
    assert result.exit_code == 0, result.output
    db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(reply_count=5))
    db.session.execute(sa.update(User).where(User.id == member.id).values(post_count=0))
    db.session.execute(sa.update(Category).values(thread_count=3, post_count=9))
    db.session.commit()
    result = runner.invoke(args=["forum", "verify"])
    assert result.exit_code == 1
    for line in (
        f"thread {thread.id} replies: cached 5, actual 1",
        f"member {member.id} messages: cached 0, actual 1",
        f"category {thread.category_id} threads: cached 3, actual 1",
        f"category {thread.category_id} messages: cached 9, actual 2",
    ):
        assert line in result.output
