"""Derived data follows the rows through any sequence of actions.

A state machine drives random sequences of every action that changes indexed or counted data,
through the site as members, a moderator and an administrator would. After every step, with no
drain or reindex, the search index, the reputation ledger and every counter agree with a recount."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from app.accounts.models import ADMIN, MODERATOR
from app.extensions import db
from app.forum import counters
from app.forum.models import Category, Post, Thread
from app.reputation import ledger
from app.search import maintenance
from tests.helpers import Auth, make_user

pytestmark = pytest.mark.slow

MEMBERS = 5
BODIES = st.sampled_from(
    [
        "Avez-vous essayé de **redémarrer** le thermostat ?",
        "Même souci ici, l'électricité coupe la nuit.",
        "Voir https://example.org/a et https://example.org/b puis https://example.org/c",
        "Ünïcödé 🙂 et « guillemets »",
        "> cité\n\n- une liste\n- de deux points",
    ]
)
TITLES = st.sampled_from(["Panne de chauffage", "Wi-Fi instable", "Électricité coupée", "Idée : mode vacances"])
PICK = st.integers(min_value=0, max_value=10_000)


class Forum(RuleBasedStateMachine):
    """Members, a moderator and an administrator using the forum through its pages."""

    def __init__(self, client):
        super().__init__()
        self.client, self.auth = client, Auth(client)
        # Every run starts from the same forum, so that hypothesis can replay and shrink it.
        empty_database()
        self.people = {
            "members": [make_user(f"membre{n}") for n in range(MEMBERS)],
            "moderator": make_user("Modo", role=MODERATOR),
            "admin": make_user("Admin", role=ADMIN),
        }
        self.categories = [
            Category(name="Dépannage", slug="depannage", position=1),
            Category(name="Idées", slug="idees", position=2),
        ]
        db.session.add_all(self.categories)
        db.session.commit()
        # A new index folder: hypothesis seeds `random`, from which Whoosh names its segments.
        maintenance.rebuild()

    def as_(self, user) -> None:
        self.auth.login(user)

    def post(self, path: str, **data) -> None:
        response = self.client.post(path, data=data)
        assert response.status_code < 500, (path, data, response.status_code)

    def member(self, pick: int, besides=None):
        """One of the members, other than `besides` when given."""
        choices = [member for member in self.people["members"] if besides is None or member.id != besides]
        return choices[pick % len(choices)]

    def shown_posts(self, replies_only: bool = False) -> list[Post]:
        query = (
            db.select(Post)
            .join(Post.thread)
            .where(Post.deleted_at.is_(None), Post.hidden_at.is_(None), Thread.deleted_at.is_(None))
        )
        if replies_only:
            query = query.where(Post.position > 1)
        return db.session.scalars(query.order_by(Post.id)).all()

    def has_posts(self) -> bool:
        return bool(self.shown_posts())

    def has_replies(self) -> bool:
        return bool(self.shown_posts(replies_only=True))

    def some_post(self, pick: int, replies_only: bool = False) -> Post:
        posts = self.shown_posts(replies_only)
        return posts[pick % len(posts)]

    # Members

    @rule(who=PICK, where=PICK, title=TITLES, body=BODIES)
    def start_thread(self, who, where, title, body):
        self.as_(self.member(who))
        self.post(f"/c/{self.categories[where % 2].slug}/new", title=title, body=body)

    @precondition(has_posts)
    @rule(who=PICK, which=PICK, body=BODIES, answering=st.booleans())
    def reply(self, who, which, body, answering):
        post = self.some_post(which)
        self.as_(self.member(who))
        self.post(f"/t/{post.thread_id}/reply", body=body, reply_to=str(post.id) if answering else "")

    @precondition(has_posts)
    @rule(which=PICK, body=BODIES, title=TITLES)
    def edit(self, which, body, title):
        post = self.some_post(which)
        self.as_(post.author)
        self.post(f"/p/{post.id}/edit", body=body, title=title)

    @precondition(has_posts)
    @rule(which=PICK)
    def delete(self, which):
        post = self.some_post(which)
        self.as_(post.author)
        self.post(f"/p/{post.id}/delete")

    @precondition(has_replies)
    @rule(who=PICK, which=PICK)
    def toggle_helpful(self, who, which):
        post = self.some_post(which, replies_only=True)
        self.as_(self.member(who, besides=post.author_id))
        self.post(f"/p/{post.id}/helpful")

    @precondition(has_replies)
    @rule(which=PICK)
    def toggle_solution(self, which):
        post = self.some_post(which, replies_only=True)
        self.as_(post.thread.author)
        self.post(f"/p/{post.id}/solution")

    @precondition(has_posts)
    @rule(which=PICK, first=PICK)
    def flag_until_hidden(self, which, first):
        """Three members flag a post: enough to hide it at once, pending review."""
        post = self.some_post(which)
        for offset in range(3):
            self.as_(self.member(first + offset, besides=post.author_id))
            self.post(f"/p/{post.id}/flag", reason="spam")

    # Staff

    @precondition(has_posts)
    @rule(which=PICK, hide=st.booleans())
    def hide_or_restore(self, which, hide):
        """Any post: shown, hidden, deleted or in a thread that is gone."""
        posts = db.session.scalars(db.select(Post).order_by(Post.id)).all()
        self.as_(self.people["moderator"])
        self.post(f"/moderation/posts/{posts[which % len(posts)].id}/{'hide' if hide else 'restore'}", reason="Relu")

    @precondition(has_posts)
    @rule(which=PICK, where=PICK)
    def move(self, which, where):
        self.as_(self.people["moderator"])
        thread_id = self.some_post(which).thread_id
        self.post(f"/moderation/threads/{thread_id}/move", category=self.categories[where % 2].slug, reason="Rangé")

    @precondition(has_posts)
    @rule(where=PICK, slug=st.sampled_from(["depannage", "aide", "idees", "suggestions"]))
    def rename_category(self, where, slug):
        category = self.categories[where % 2]
        self.as_(self.people["admin"])
        self.post(
            f"/admin/categories/{category.id}/edit",
            name=category.name,
            slug=slug,
            description="",
            reason="Nom plus clair",
        )

    @rule(lift=st.booleans())
    def suspend_or_lift(self, lift):
        """The last member only, so that the others keep writing."""
        self.as_(self.people["moderator"])
        name = self.people["members"][-1].username
        if lift:
            self.post(f"/moderation/users/{name}/unsuspend", reason="Levée")
        else:
            self.post(f"/moderation/users/{name}/suspend", days="1", reason="Calmez-vous")

    # What must hold after every step

    @invariant()
    def derived_data_matches_the_rows(self):
        db.session.commit()  # read what the last request committed
        report = maintenance.check()
        assert report.consistent and report.queued == 0, report.lines()
        assert ledger.find_drift() == []
        assert counters.find_drift() == []


def empty_database() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_index_ledger_and_counters_follow_any_sequence_of_actions(client):
    run_state_machine_as_test(
        lambda: Forum(client),
        settings=settings(
            max_examples=15, stateful_step_count=40, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
