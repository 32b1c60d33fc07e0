"""The JSON-LD of threads and profiles: a question and its answers, a discussion and its comments,
breadcrumbs, and never a hidden or deleted word."""

import json
import re

from app.accounts.models import User
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Post
from app.moderation import services as moderation
from app.reputation import services as reputation
from app.seo.structured_data import json_ld
from tests.helpers import SITE, W3C_DATETIME, Head, head_of, make_user, new_thread, url_of, write_reply


def assert_person(value: dict, name: str) -> None:
    assert value["@type"] == "Person" and value["name"] == name
    assert value["url"] == f"{SITE}/u/{name}"


def test_a_solved_thread_is_a_qa_page_with_its_accepted_and_suggested_answers(client, thread, member, answered):
    first, second = answered
    reputation.toggle_solution(member, first)
    db.session.commit()
    page = head_of(client, url_of(thread)).structured("QAPage")
    question = page["mainEntity"]
    assert question["@type"] == "Question"
    assert question["name"] == "Ma box redémarre sans cesse"
    assert question["text"] == "Depuis hier elle clignote."
    assert question["answerCount"] == 2
    assert W3C_DATETIME.match(question["dateCreated"])
    assert_person(question["author"], "Camille")
    accepted = question["acceptedAnswer"]
    assert accepted["@type"] == "Answer"
    assert accepted["text"] == "Débranchez-la dix secondes, puis rebranchez."
    assert accepted["upvoteCount"] == 1
    assert accepted["url"] == f"{SITE}{url_of(thread)}#p{first.id}"
    assert W3C_DATETIME.match(accepted["dateCreated"])
    assert_person(accepted["author"], "Bastien")
    [suggested] = question["suggestedAnswer"]
    assert suggested["text"] == "Changez le câble d'alimentation."
    assert suggested["upvoteCount"] == 0
    assert suggested["url"] == f"{SITE}{url_of(thread)}#p{second.id}"
    assert W3C_DATETIME.match(suggested["dateCreated"])
    assert_person(suggested["author"], "Chloe")


def test_an_unsolved_thread_is_a_discussion_forum_posting_with_its_replies_as_comments(client, thread, answered):
    first, second = answered
    head = head_of(client, url_of(thread))
    assert not [item for item in head.json_ld if item["@type"] == "QAPage"]
    posting = head.structured("DiscussionForumPosting")
    assert posting["headline"] == "Ma box redémarre sans cesse"
    assert posting["text"] == "Depuis hier elle clignote."
    assert posting["url"] == SITE + url_of(thread)
    assert W3C_DATETIME.match(posting["datePublished"])
    assert_person(posting["author"], "Camille")
    statistic = posting["interactionStatistic"]
    assert statistic["@type"] == "InteractionCounter"
    assert statistic["interactionType"] == "https://schema.org/CommentAction"
    assert statistic["userInteractionCount"] == 2
    comments = posting["comment"]
    assert [comment["@type"] for comment in comments] == ["Comment", "Comment"]
    assert [comment["url"] for comment in comments] == [
        f"{SITE}{url_of(thread)}#p{post.id}" for post in (first, second)
    ]
    assert comments[0]["text"] == "Débranchez-la dix secondes, puis rebranchez."
    assert comments[0]["interactionStatistic"]["userInteractionCount"] == 1
    for comment in comments:
        assert W3C_DATETIME.match(comment["datePublished"])
    assert_person(comments[1]["author"], "Chloe")


def test_threads_and_categories_carry_breadcrumbs_from_the_site_down(client, thread):
    def trail(url):
        items = head_of(client, url).structured("BreadcrumbList")["itemListElement"]
        assert [item["position"] for item in items] == list(range(1, len(items) + 1))
        assert all(item["@type"] == "ListItem" for item in items)
        return [(item["name"], item["item"]) for item in items]

    site, category = ("Entraide", f"{SITE}/"), ("Dépannage", f"{SITE}/c/depannage")
    assert trail(url_of(thread)) == [site, category, ("Ma box redémarre sans cesse", SITE + url_of(thread))]
    assert trail("/c/depannage") == [site, category]


def test_hidden_and_deleted_replies_never_appear_in_structured_data(client, thread, member, moderator, answered):
    first, second = answered
    third = write_reply(make_user("Denis"), thread, "Message supprimé ensuite.")
    moderation.hide_post(moderator, first, "Hors charte")
    forum.delete_post(db.session.get(User, third.author_id), third)
    db.session.commit()
    page = client.get(url_of(thread)).get_data(as_text=True)
    scripts = "".join(json.dumps(item, ensure_ascii=False) for item in Head(page).json_ld)
    assert "Débranchez" not in scripts and "supprimé" not in scripts
    posting = Head(page).structured("DiscussionForumPosting")
    assert [comment["url"].rsplit("#", 1)[1] for comment in posting["comment"]] == [f"p{second.id}"]
    assert posting["interactionStatistic"]["userInteractionCount"] == 1


def test_a_hidden_solution_is_never_given_as_the_accepted_answer(client, thread, member, moderator, answered):
    first, second = answered
    reputation.toggle_solution(member, first)
    db.session.commit()
    moderation.hide_post(moderator, first, "Hors charte")
    db.session.commit()
    head = head_of(client, url_of(thread))
    assert "QAPage" not in [item["@type"] for item in head.json_ld]
    assert "Débranchez" not in json.dumps(head.json_ld, ensure_ascii=False)


def test_later_pages_of_a_thread_describe_the_discussion_from_its_first_page(client, long_thread, member):
    reply = db.session.scalar(db.select(Post).where(Post.thread_id == long_thread.id, Post.position == 2))
    reputation.toggle_solution(member, reply)
    db.session.commit()
    assert head_of(client, url_of(long_thread)).structured("QAPage")
    posting = head_of(client, url_of(long_thread, page=2)).structured("DiscussionForumPosting")
    assert posting["url"] == SITE + url_of(long_thread)
    assert posting["text"] == "Depuis hier elle clignote."
    assert [comment["text"] for comment in posting["comment"]] == ["Réponse numéro 1", "Réponse numéro 2"]


def test_structured_data_cannot_end_its_script_element(client, member, category):
    title = "Balise </script><script>alert(1)</script> & <!-- commentaire"
    thread = new_thread(member, category, title, "Texte </script> & <b>")
    page = client.get(url_of(thread)).get_data(as_text=True)
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert scripts and not any(set("<>&") & set(script) for script in scripts)
    assert Head(page).structured("DiscussionForumPosting")["headline"] == title


def test_a_post_s_words_come_through_the_script_escapes_unchanged(client, member, category):
    body = "Fermez </script> puis <!-- rouvrez & voyez"
    thread = new_thread(member, category, "Une balise dans le texte", body)
    page = client.get(url_of(thread)).get_data(as_text=True)
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert scripts and not any(set("<>&") & set(script) for script in scripts)
    assert Head(page).structured("DiscussionForumPosting")["text"] == body


def test_json_ld_escapes_what_would_end_its_script_or_a_javascript_line():
    item = {"text": "a</script><!--b&c\u2028d\u2029e", "name": "Éléonore"}
    script = str(json_ld(item))
    content = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not set("<>&\u2028\u2029") & set(content)
    assert "Éléonore" in content  # the rest stays as written
    assert json.loads(content) == item


def test_structured_data_follows_an_edited_post(client, thread, member, answered):
    first, _ = answered
    head_of(client, url_of(thread))
    forum.edit_post(first.author, first, "Changez plutôt la **prise**.")
    db.session.commit()
    comments = head_of(client, url_of(thread)).structured("DiscussionForumPosting")["comment"]
    assert comments[0]["text"] == "Changez plutôt la prise."


def test_a_profile_is_a_profile_page_about_its_member(client, thread, member):
    profile = head_of(client, "/u/Camille").structured("ProfilePage")
    assert W3C_DATETIME.match(profile["dateCreated"])
    person = profile["mainEntity"]
    assert_person(person, "Camille")
    statistic = person["agentInteractionStatistic"]
    assert statistic["interactionType"] == "https://schema.org/WriteAction"
    assert statistic["userInteractionCount"] == 1
