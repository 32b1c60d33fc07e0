"""PostgreSQL full-text search: a vector per post in the database, which every host shares."""

from app.search.postgres import searching, vectors


class PostgresBackend:
    post_fields = ("body_html", "hidden_at", "deleted_at")
    thread_fields = ("title", "deleted_at")
    category_fields = ()

    record = staticmethod(vectors.record)
    apply_pending = staticmethod(vectors.apply_pending)
    search = staticmethod(searching.search)
    rebuild = staticmethod(vectors.rebuild)
    check = staticmethod(vectors.check)
    exists = staticmethod(vectors.exists)
