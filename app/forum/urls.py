from flask import current_app, url_for

from app.forum.models import Post
from app.forum.queries import page_of_position

# Stands for a post's id in a URL built once for a page; no post will have an id this large.
ID_MARKER = 987_654_321_987_654_321


def post_url(post: Post, **values) -> str:
    """Where a post stands: the page of its thread that shows it, anchored on it."""
    thread = post.thread
    page = page_of_position(post.position, current_app.config["POSTS_PER_PAGE"])
    if page > 1:
        values["page"] = page
    return url_for("forum.thread", thread_id=thread.id, slug=thread.slug, _anchor=f"p{post.id}", **values)


class PageUrls:
    """The URLs of the posts of one page, made for each page rendered (or structured data built).

    A thread page links each of its posts to the same routes: its permalink, reply, quote, helpful,
    flag… url_for for each link of each post took a tenth of the page's time; here each route's URL
    is built once for the page, and each post's id takes its place."""

    def __init__(self) -> None:
        self.posts_per_page = current_app.config["POSTS_PER_PAGE"]
        self.built: dict[tuple, str] = {}

    def post_url(self, post: Post, **values) -> str:
        """The same URL as `post_url`."""
        page = page_of_position(post.position, self.posts_per_page)
        if page > 1:
            values["page"] = page
        thread = post.thread
        return self.url_for("forum.thread", thread_id=thread.id, slug=thread.slug, **values) + f"#p{post.id}"

    def url_for_post(self, endpoint: str, **values) -> str:
        """url_for(endpoint, **values) for a route of one post, whose id is its `post_id` or `reply_to` value."""
        name = "post_id" if "post_id" in values else "reply_to"
        post_id, values[name] = values[name], ID_MARKER
        return self.url_for(endpoint, **values).replace(str(ID_MARKER), str(post_id), 1)

    def url_for(self, endpoint: str, **values) -> str:
        key = (endpoint, *values.items())
        if key not in self.built:
            self.built[key] = url_for(endpoint, **values)
        return self.built[key]
