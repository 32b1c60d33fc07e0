"""Mentions: "@name" links to the member's profile when the post is written, and tells them once."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.errors import InvalidInput
from app.extensions import db
from app.forum import services as forum
from app.forum.rendering import mentioned_usernames, render_markdown
from app.moderation import services as moderation
from app.notifications import mentions, services
from app.notifications.models import Notification
from tests.helpers import counting_statements, make_user, opening_of, write_reply

XSS_DIR = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "xss"


def mentions_told(user) -> list[int]:
    """The posts whose mention of `user` was notified to them, oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Notification.post_id)
            .where(Notification.user_id == user.id, Notification.kind == services.MENTION)
            .order_by(Notification.id)
        )
    )


def everybody(names: set[str]) -> dict[str, str]:
    """A member look-up that finds everyone, for rendering without a database."""
    return {name: name for name in names}


class Links(HTMLParser):
    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[dict, str]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append((dict(attrs), ""))

    def handle_data(self, data):
        if self.links and not self.links[-1][1]:
            self.links[-1] = (self.links[-1][0], data)


def mention_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each mention link."""
    return [(attrs["href"], text) for attrs, text in Links(html).links if attrs.get("class") == "mention"]


# Rendering


def test_a_mention_of_a_member_links_to_their_profile_and_notifies_them(client, auth, thread, member, other_member):
    auth.login(other_member)
    location = client.post(f"/t/{thread.id}/reply", data={"body": "Je pense que @Camille a raison."}).location
    page = client.get(location).get_data(as_text=True)
    assert '<a class="mention" href="/u/Camille" rel="nofollow ugc noopener">@Camille</a>' in page
    assert mentions_told(member) == [int(location.rpartition("#p")[2])]
    auth.login(member)
    assert "Bastien mentioned you in “Ma box redémarre sans cesse”" in client.get("/notifications").get_data(
        as_text=True
    )


def test_a_mention_matches_the_name_as_a_login_does_and_keeps_the_words_written(thread, member, other_member):
    # Upper case, and a Cyrillic "а" that looks like the Latin one.
    reply = write_reply(other_member, thread, "Merci @CAMILLE et @С\u0430mille.")
    assert mention_links(reply.body_html) == [("/u/Camille", "@CAMILLE"), ("/u/Camille", "@С\u0430mille")]
    assert mentions_told(member) == [reply.id]


def test_a_name_of_nobody_stays_as_written_and_tells_nobody(thread, member, other_member):
    reply = write_reply(other_member, thread, "Demandez à @Personne ou @ab.")
    assert "@Personne" in reply.body_html and mention_links(reply.body_html) == []
    assert db.session.scalar(sa.select(sa.func.count()).where(Notification.kind == services.MENTION)) == 0


@pytest.mark.parametrize(
    "source",
    [
        "`@Camille`",
        "```\n@Camille\n```",
        "    @Camille dans un bloc de code",
        "[@Camille](https://example.org)",
        "<https://example.org/@Camille>",
        "https://example.org/@Camille",
        "camille@example.org",
        "@Camille@mastodon.example",
        "> @Camille disait cela",
    ],
    ids=["code", "fenced code", "code block", "link text", "autolink", "bare url", "address", "elsewhere", "quote"],
)
def test_a_name_in_code_a_link_an_address_or_a_quote_is_no_mention(source):
    html = render_markdown(source, find_members=everybody)
    assert mention_links(html) == []
    assert mentioned_usernames(html) == []


def test_mentions_stand_among_other_words_and_formatting():
    html = render_markdown("**@Camille**, (@Bastien) et @Chloé. Voir `@code` puis @Dan", find_members=everybody)
    assert [text for _, text in mention_links(html)] == ["@Camille", "@Bastien", "@Chloé", "@Dan"]
    assert mentioned_usernames(html) == ["Camille", "Bastien", "Chloé", "Dan"]


def test_without_a_member_look_up_nothing_is_linked():
    assert "mention" not in render_markdown("Bonjour @Camille")


def test_finding_the_members_of_a_post_costs_one_query_and_none_without_mentions(app, member, other_member):
    with counting_statements() as statements:
        html = render_markdown("@Camille, @Bastien et @Inconnu", find_members=mentions.find_members)
    assert len(statements) == 1
    assert mentioned_usernames(html) == ["Camille", "Bastien"]
    with counting_statements() as statements:
        render_markdown("Personne ici. Écrivez à equipe@example.org", find_members=mentions.find_members)
    assert statements == []


@pytest.mark.skipif(not XSS_DIR.is_dir(), reason=f"no XSS corpus in {XSS_DIR}")
def test_xss_payloads_with_every_name_a_member_are_still_neutralised():
    for path in sorted(XSS_DIR.glob("*.txt")):
        for payload in path.read_text(encoding="utf-8").splitlines():
            html = render_markdown(f"@Camille {payload} @{payload}", find_members=everybody)
            for attrs, _ in Links(html).links:
                assert set(attrs) <= {"href", "title", "rel", "class"}, html
                assert attrs.get("class") in (None, "mention"), html
                if attrs.get("class") == "mention":
                    assert attrs["href"].startswith("/u/"), html
            assert "<script" not in html.lower(), html


def test_mentions_are_not_links_a_new_member_is_limited_in(thread, member, other_member):
    names = " ".join(f"@{make_user(f'membre{number}').username}" for number in range(4))
    reply = write_reply(other_member, thread, f"{names} et https://a.example.org https://b.example.org")
    assert len(mention_links(reply.body_html)) == 4
    with pytest.raises(InvalidInput):
        forum.reply(other_member, thread, "https://a.example.org https://b.example.org https://c.example.org")


# Who is told


def test_mentioning_oneself_tells_nobody(thread, member):
    reply = write_reply(member, thread, "Note pour @Camille : relancer demain.")
    assert mention_links(reply.body_html) == [("/u/Camille", "@Camille")]
    assert mentions_told(member) == []


def test_a_mention_in_a_new_thread_tells_the_member(member, other_member, category):
    thread = forum.start_thread(other_member, category, "Question pour Camille", "@Camille, une idée ?")
    db.session.commit()
    assert mentions_told(member) == [opening_of(thread).id]


def test_a_post_tells_the_first_ten_members_it_mentions(thread, other_member):
    named = [make_user(f"membre{number:02d}") for number in range(12)]
    reply = write_reply(other_member, thread, " ".join(f"@{user.username}" for user in named))
    assert len(mention_links(reply.body_html)) == 12
    assert [bool(mentions_told(user)) for user in named] == [True] * 10 + [False] * 2


def test_the_author_mentioning_themself_leaves_the_ten_to_others(thread, other_member):
    named = [make_user(f"membre{number:02d}") for number in range(10)]
    write_reply(other_member, thread, "@Bastien " + " ".join(f"@{user.username}" for user in named))
    assert all(mentions_told(user) for user in named)


def test_editing_a_post_tells_only_the_members_newly_mentioned(thread, member, other_member):
    chloe = make_user("Chloé")
    reply = write_reply(other_member, thread, "Merci @Camille.")
    forum.edit_post(other_member, reply, "Merci @Camille et @Chloé.")
    db.session.commit()
    assert mentions_told(member) == [reply.id]
    assert mentions_told(chloe) == [reply.id]
    forum.edit_post(other_member, reply, "Merci @Camille, @Chloé, et à tous.")
    db.session.commit()
    assert mentions_told(member) == [reply.id] and mentions_told(chloe) == [reply.id]


def test_a_member_mentioned_then_left_out_then_mentioned_again_is_told_once(thread, other_member):
    chloe = make_user("Chloé")
    reply = write_reply(other_member, thread, "Merci @Chloé.")
    forum.edit_post(other_member, reply, "Merci.")
    forum.edit_post(other_member, reply, "Merci @Chloé !")
    db.session.commit()
    assert mentions_told(chloe) == [reply.id]


def test_edits_never_tell_more_than_ten_members_in_all(thread, other_member):
    named = [make_user(f"membre{number:02d}") for number in range(14)]
    reply = write_reply(other_member, thread, " ".join(f"@{user.username}" for user in named[:8]))
    forum.edit_post(other_member, reply, " ".join(f"@{user.username}" for user in named[8:]))
    db.session.commit()
    assert [bool(mentions_told(user)) for user in named] == [True] * 10 + [False] * 4


def test_a_member_answered_then_mentioned_by_an_edit_is_told_of_the_mention(thread, member, other_member):
    reply = write_reply(other_member, thread, "Essayez un autre câble.")
    forum.edit_post(other_member, reply, "Essayez un autre câble, @Camille.")
    db.session.commit()
    assert mentions_told(member) == [reply.id]


def test_a_mention_of_a_member_who_muted_the_thread_tells_them_nothing(thread, member, other_member):
    services.mute(member, thread)
    reply = write_reply(other_member, thread, "Qu'en pense @Camille ?")
    forum.edit_post(other_member, reply, "Qu'en pense @Camille, vraiment ?")
    db.session.commit()
    assert mention_links(reply.body_html) == [("/u/Camille", "@Camille")]
    assert mentions_told(member) == []


def test_a_hidden_post_edited_by_its_author_tells_nobody(thread, member, other_member, moderator):
    reply = write_reply(other_member, thread, "Un message.")
    moderation.hide_post(moderator, reply, "Hors charte")
    forum.edit_post(other_member, reply, "Un message corrigé, désolé @Camille.")
    db.session.commit()
    assert mentions_told(member) == []
