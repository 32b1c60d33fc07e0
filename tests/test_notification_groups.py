"""The notifications page gathers related notifications into one line each: the helpful marks on
one reply, the replies in one thread since the member last read; the header counts those lines."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.forum import services as forum
from app.notifications import services
from app.notifications.models import Notification
from app.reputation import services as reputation
from tests.helpers import Auth, make_user, opening_of, statements_for, write_reply

TITLE = "Ma box redémarre sans cesse"


def lines(page: str) -> list[str]:
    """The text of each line of the notifications page, whitespace collapsed."""
    items = re.findall(r'<li class="notification[^"]*">(.*?)</li>', page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def unread_lines(page: str) -> int:
    return page.count('class="notification notification--unread"')


def unread_badge(page: str) -> str | None:
    found = re.search(r'<span class="unread-count">(\d+)</span>', page)
    return found.group(1) if found else None


def marked_by(post, names: list[str]) -> None:
    for name in names:
        reputation.toggle_helpful(make_user(name), post)
    db.session.commit()


def test_twenty_helpful_marks_on_one_reply_read_as_one_line_naming_the_latest(client, auth, thread, other_member):
    answer = write_reply(other_member, thread, "Débranchez-la dix secondes.")
    marked_by(answer, [f"membre{number}" for number in range(19)] + ["Élodie"])
    auth.login(other_member)
    page = client.get("/notifications").get_data(as_text=True)
    helpful = [line for line in lines(page) if "found your reply helpful" in line]
    assert len(helpful) == 1
    assert f"Élodie and 19 others found your reply helpful in “{TITLE}”" in helpful[0]
    assert f'href="/t/{thread.id}/{thread.slug}#p{answer.id}"' in page


def test_grouped_lines_speak_french_with_plurals(french_client, thread, member, other_member):
    answer = write_reply(other_member, thread, "Débranchez-la dix secondes.")
    marked_by(answer, [f"membre{number}" for number in range(19)] + ["Élodie"])
    second = write_reply(other_member, thread, "Ou changez le câble.")
    marked_by(second, ["Chloé", "Dan"])
    write_reply(other_member, thread, "Et la prise.")
    write_reply(other_member, thread, "Et le filtre.")
    french = Auth(french_client)
    french.login(other_member)
    page = french_client.get("/notifications").get_data(as_text=True)
    assert "Élodie et 19 autres ont trouvé votre réponse utile dans « Ma box redémarre sans cesse »" in page
    assert "Dan et 1 autre ont trouvé votre réponse utile dans « Ma box redémarre sans cesse »" in page
    write_reply(make_user("Chloé2"), thread, "Moi aussi.")
    french.login(member)
    page = french_client.get("/notifications").get_data(as_text=True)
    assert "Chloé2 et 1 autre ont répondu dans « Ma box redémarre sans cesse »" in page


def test_one_other_member_is_singular(client, auth, thread, other_member):
    answer = write_reply(other_member, thread, "Débranchez-la dix secondes.")
    marked_by(answer, ["Chloé", "Élodie"])
    auth.login(other_member)
    page = client.get("/notifications").get_data(as_text=True)
    assert f"Élodie and 1 other found your reply helpful in “{TITLE}”" in page


def test_marks_on_different_replies_are_different_lines(client, auth, thread, other_member):
    first = write_reply(other_member, thread, "Débranchez-la.")
    second = write_reply(other_member, thread, "Changez le câble.")
    marked_by(first, ["Chloé"])
    marked_by(second, ["Dan", "Élodie"])
    auth.login(other_member)
    page = client.get("/notifications").get_data(as_text=True)
    assert f"Chloé found your reply helpful in “{TITLE}”" in page
    assert f"Élodie and 1 other found your reply helpful in “{TITLE}”" in page


def test_replies_in_a_watched_thread_since_the_last_read_are_one_line(client, auth, thread, member, other_member):
    first = write_reply(other_member, thread, "Un")
    write_reply(make_user("Chloé"), thread, "Deux")
    write_reply(other_member, thread, "Trois")
    auth.login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert lines(page) and f"Bastien and 1 other replied in “{TITLE}”" in lines(page)[0]
    assert f'href="/t/{thread.id}/{thread.slug}#p{first.id}"' in page  # where to start reading
    assert unread_badge(page) == "1"

    client.post("/notifications/read")
    latest = write_reply(make_user("Dan"), thread, "Quatre")
    page = client.get("/notifications").get_data(as_text=True)
    assert [line.split(" · ")[0] for line in lines(page)] == [
        f"New Dan replied in “{TITLE}” Dan",
        f"Bastien and 1 other replied in “{TITLE}” Bastien",
    ]
    assert unread_lines(page) == 1
    assert f'href="/t/{thread.id}/{thread.slug}#p{latest.id}"' in page


def test_one_member_replying_several_times_is_counted_in_replies(client, auth, thread, member, other_member):
    for body in ("Un", "Deux", "Trois"):
        write_reply(other_member, thread, body)
    auth.login(member)
    assert f"Bastien posted 3 replies in “{TITLE}”" in client.get("/notifications").get_data(as_text=True)


def test_replies_to_a_members_posts_gather_by_thread(client, auth, thread, member, other_member):
    services.toggle_watch(member, thread)  # not watching: what reaches Camille answers her
    question = opening_of(thread)
    forum.reply(other_member, thread, "Un", reply_to=question)
    db.session.commit()
    auth.login(member)
    assert f"Bastien replied to your message in “{TITLE}”" in client.get("/notifications").get_data(as_text=True)
    forum.reply(other_member, thread, "Deux", reply_to=question)
    db.session.commit()
    assert f"Bastien replied to you 2 times in “{TITLE}”" in client.get("/notifications").get_data(as_text=True)
    forum.reply(make_user("Chloé"), thread, "Trois", reply_to=question)
    db.session.commit()
    assert f"Chloé and 1 other replied to you in “{TITLE}”" in client.get("/notifications").get_data(as_text=True)


def test_mentions_and_solutions_stand_alone(client, auth, thread, member, other_member):
    services.toggle_watch(member, thread)
    write_reply(other_member, thread, "Bonjour @Camille.")
    write_reply(other_member, thread, "Re-bonjour @Camille.")
    auth.login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert len([line for line in lines(page) if f"Bastien mentioned you in “{TITLE}”" in line]) == 2


def test_the_header_counts_unread_lines_not_notifications(client, auth, thread, other_member):
    answer = write_reply(other_member, thread, "Débranchez-la dix secondes.")
    marked_by(answer, ["Chloé", "Dan", "Élodie"])
    notifications = sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == other_member.id)
    assert db.session.scalar(notifications) == 4  # three marks and the badge the first one earned
    auth.login(other_member)
    page = client.get("/notifications").get_data(as_text=True)
    assert unread_badge(page) == "2" == str(unread_lines(page))
    client.post("/notifications/read")
    assert unread_badge(client.get("/").get_data(as_text=True)) is None


def test_pages_are_pages_of_lines(app, client, auth, category, member, other_member):
    app.config["NOTIFICATIONS_PER_PAGE"] = 2
    for number in range(3):
        thread = forum.start_thread(member, category, f"Sujet {number}", "?")
        for body in ("Un", "Deux", "Trois"):
            forum.reply(other_member, thread, body)
    db.session.commit()
    auth.login(member)
    first = client.get("/notifications").get_data(as_text=True)
    assert [line.split("”")[0] for line in lines(first)] == [
        "New Bastien posted 3 replies in “Sujet 2",
        "New Bastien posted 3 replies in “Sujet 1",
    ]
    assert 'rel="next"' in first
    assert len(lines(client.get("/notifications?page=2").get_data(as_text=True))) == 1
    assert client.get("/notifications?page=3").status_code == 404


def test_the_page_costs_the_same_however_many_notifications_its_lines_gather(client, auth, category, member):
    def add_thread(number: int, replies: int) -> None:
        thread = forum.start_thread(member, category, f"Sujet {number}", "?")
        for reply in range(replies):
            answer = forum.reply(make_user(f"membre{number}x{reply}"), thread, "Une réponse")
            reputation.toggle_helpful(member, answer)
        db.session.commit()

    add_thread(0, replies=1)
    auth.login(member)
    few = statements_for(client, "/notifications")
    for number in range(1, 5):
        add_thread(number, replies=4)
    assert statements_for(client, "/notifications") == few
