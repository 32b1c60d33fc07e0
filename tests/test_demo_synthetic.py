"""The benchmarks' synthetic forum: `flask seed-bench` writes posts as long as members' posts, in
the HTML the site itself would render, the same on every run."""

import random
import re

import sqlalchemy as sa

from app.demo.synthetic import PARAGRAPHS, BodyWriter, vocabulary
from app.extensions import db
from app.forum.models import Post, Thread
from app.forum.rendering import plain_text, render_markdown


def bodies(count: int, seed: int = 2026) -> list:
    writer = BodyWriter(random.Random(seed))
    return [writer.body() for _ in range(count)]


def test_a_body_is_the_html_the_site_renders_of_its_source():
    for body in bodies(300):
        assert body.html == render_markdown(body.source)


def test_bodies_have_a_few_paragraphs_and_some_a_list_or_a_link():
    written = bodies(400)
    paragraphs = {body.html.count("<p>") for body in written}
    assert paragraphs == set(range(PARAGRAPHS[0], PARAGRAPHS[1] + 1))
    with_list = sum("<ul>\n<li>" in body.html for body in written)
    with_link = sum('<a href="https://example.org/' in body.html for body in written)
    assert 0 < with_list < len(written) and 0 < with_link < len(written)
    assert all(len(plain_text(body.html).split()) >= 12 for body in written)


def test_links_go_to_example_org_marked_as_user_content():
    links = re.findall(r"<a [^>]*>", "".join(body.html for body in bodies(100)))
    assert links
    assert all(re.fullmatch(r'<a href="https://example\.org/[\w/]+" rel="nofollow ugc noopener">', a) for a in links)


def test_the_same_random_seed_writes_the_same_bodies():
    assert bodies(50, seed=7) == bodies(50, seed=7)
    assert bodies(50, seed=7) != bodies(50, seed=8)


def test_seed_bench_fills_threads_with_multi_paragraph_posts(runner):
    result = runner.invoke(args=["seed-bench", "--posts", "60"])
    assert result.exit_code == 0, result.output
    assert "Seeded 60 posts in 3 threads" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 3
    posts = db.session.scalars(sa.select(Post)).all()
    assert len(posts) == 60
    assert all(post.body_html.count("<p>") >= PARAGRAPHS[0] for post in posts)
    # The search benchmarks look for the most common word: most posts hold it.
    common = vocabulary()[0]
    assert sum(common in plain_text(post.body_html).lower().split() for post in posts) > 30


def test_the_first_thread_holds_a_hundredth_of_the_forum_for_the_last_page_measures(runner):
    assert runner.invoke(args=["seed-bench", "--posts", "4010"]).exit_code == 0
    lengths = db.session.scalars(sa.select(Thread.post_total).order_by(Thread.id)).all()
    assert lengths[0] == 40 and set(lengths[1:-1]) == {20} and lengths[-1] == 10
    assert sum(lengths) == 4010
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(Post.thread_id == 1)) == 40


def test_seed_bench_refuses_a_database_with_accounts(runner, member):
    result = runner.invoke(args=["seed-bench", "--posts", "20"])
    assert result.exit_code != 0
    assert "already has accounts" in result.output
