"""Page latency on a large forum: home, category and thread pages at the first and at a deep page.

    .venv/bin/python -P bench/pages.py --threads 20000 --replies 50

(-P leaves this folder off the import path: bench/http.py would hide the standard library's `http`.)

Builds a throw-away SQLite database under a temporary instance folder with bulk inserts, then
times each page through the WSGI application (no network), printing medians and 95th percentiles.
The page cache is off: this measures what rendering a page costs (bench/http.py measures what
visitors get, from the cache).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta

import sqlalchemy as sa

# A post as long as members write them: a few paragraphs, a list, a link.
BODY = """Bonjour à tous,

Depuis la mise à jour de la semaine dernière, mon thermostat **redémarre** tout seul plusieurs fois
par nuit. La chaudière se coupe, puis repart au bout de dix minutes, et l'application affiche une
consigne de 16 °C alors que j'ai programmé 19 °C pour le matin.

J'ai déjà essayé ce que conseille la notice, sans succès :

- couper le disjoncteur pendant une minute ;
- réinitialiser le module radio ;
- réappairer la sonde du salon.

Le câblage n'a pas bougé et la box est à trois mètres du thermostat. J'ai lu le
[guide de dépannage](https://example.org/guide/thermostat) sans y trouver ce cas.

Quelqu'un a-t-il eu le même problème ? Merci d'avance pour vos idées."""


def build(threads: int, replies: int, long_thread_replies: int) -> None:
    from app.extensions import db
    from app.forum.rendering import render_markdown
    from app.models import Category, Post, Thread, User

    db.create_all()
    html = render_markdown(BODY)
    start = datetime(2024, 1, 1)
    db.session.execute(
        sa.insert(User),
        [
            {
                "id": n,
                "username": f"membre{n}",
                "username_key": f"membre{n}",
                "email": f"m{n}@example.org",
                "password_hash": "x",
                "role": "member",
            }
            for n in range(1, 201)
        ],
    )
    db.session.execute(
        sa.insert(Category),
        [
            {"id": 1, "name": "Grande catégorie", "slug": "grande", "thread_count": threads},
            {"id": 2, "name": "Petite catégorie", "slug": "petite", "thread_count": 1},
        ],
    )
    post_id = 0
    for first in range(1, threads + 1, 1000):
        thread_rows, post_rows = [], []
        for thread_id in range(first, min(first + 1000, threads + 1)):
            count = long_thread_replies if thread_id == 1 else replies
            when = start + timedelta(minutes=thread_id)
            thread_rows.append(
                {
                    "id": thread_id,
                    "category_id": 1 if thread_id > 1 else 2,
                    "author_id": 1 + thread_id % 200,
                    "title": f"Sujet numéro {thread_id}",
                    "slug": f"sujet-numero-{thread_id}",
                    "created_at": when,
                    "last_activity_at": when,
                    "post_total": count + 1,
                    "reply_count": count,
                }
            )
            for position in range(1, count + 2):
                post_id += 1
                post_rows.append(
                    {
                        "id": post_id,
                        "thread_id": thread_id,
                        "author_id": 1 + (thread_id + position) % 200,
                        "position": position,
                        "body_source": BODY,
                        "body_html": html,
                        "created_at": when,
                    }
                )
        db.session.execute(sa.insert(Thread), thread_rows)
        db.session.execute(sa.insert(Post), post_rows)
    db.session.commit()
    print(f"built {threads} threads and {post_id} posts", file=sys.stderr)


def timed(client, url: str, runs: int) -> tuple[float, float]:
    client.get(url)
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--replies", type=int, default=49, help="replies per thread")
    parser.add_argument("--long-thread", type=int, default=10_000, help="replies in the one long thread")
    parser.add_argument("--runs", type=int, default=200)
    options = parser.parse_args()
    os.environ["ENTRAIDE_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="entraide-bench-")

    from app import create_app

    app = create_app({"RATELIMIT_ENABLED": False, "PAGE_CACHE_ENABLED": False})
    with app.app_context():
        build(options.threads, options.replies, options.long_thread)
    last_category_page = (options.threads - 1 + 29) // 30
    last_full_thread_page = (options.long_thread + 1) // 20
    pages = {
        "home": "/",
        "category, page 1": "/c/grande",
        f"category, page {last_category_page}": f"/c/grande?page={last_category_page}",
        "thread, page 1": "/t/1/sujet-numero-1",
        f"thread, page {last_full_thread_page}": f"/t/1/sujet-numero-1?page={last_full_thread_page}",
    }
    client = app.test_client()
    print("| page | median ms | p95 ms |\n| --- | --- | --- |")
    for name, url in pages.items():
        median, p95 = timed(client, url, options.runs)
        print(f"| {name} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
