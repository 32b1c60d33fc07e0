"""Whoosh: an index of visible posts in a folder of the instance, fed through the outbox."""

from app.search.whoosh import index, maintenance, searching, writing


class WhooshBackend:
    post_fields = ("body_html", "hidden_at", "deleted_at", "helpful_count")
    thread_fields = ("title", "category_id", "category", "solution_post_id", "deleted_at")
    category_fields = ("slug",)

    record = staticmethod(writing.record)
    apply_pending = staticmethod(writing.apply_pending)
    search = staticmethod(searching.search)
    rebuild = staticmethod(maintenance.rebuild)
    check = staticmethod(maintenance.check)
    exists = staticmethod(index.exists)
