from flask import current_app, url_for

from app.forum.models import Post
from app.forum.queries import page_of_position


def post_url(post: Post, **values) -> str:
    """Where a post stands: the page of its thread that shows it, anchored on it."""
    thread = post.thread
    page = page_of_position(post.position, current_app.config["POSTS_PER_PAGE"])
    if page > 1:
        values["page"] = page
    return url_for("forum.thread", thread_id=thread.id, slug=thread.slug, _anchor=f"p{post.id}", **values)
