"""The demo community as plain data: who writes what, where and when.

`build_plan(now)` draws everything from one `random.Random(SEED)`. The history ends at the last
midnight (UTC) before `now` and is laid out relative to it, so two runs on any days give the same
members, threads, titles, messages and times of day; only the dates move, by whole days.
Nothing here touches the database: `app.demo.seed` replays the plan through the services.

How a thread unfolds depends on its subject's kind:
- question: the author describes a symptom; helpers may ask for details (answered by the author,
  quoting them), answer with steps, say "same here"; the author reports what they tried, then most
  often that it is solved (quoting or naming the helper), and others thank or come back months later;
- discussion: opinions, agreement and disagreement quoting earlier messages, questions to the
  author, "+1" on ideas, the author's thanks;
- welcome: a new member introduces themselves, the others welcome them.

Peers then mark replies helpful (the author the advice that worked, those who thank or agree, and
readers who pass by), and the author of a solved question accepts the reply that solved it.
"""

import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from app.demo import content
from app.demo.subjects import SUBJECTS

SEED = 2026
THREAD_TOTAL = 150
REPLY_TOTAL = 1000
HISTORY_DAYS = 540  # about eighteen months
FOUNDERS = 8  # the members there from the first days, who answer most
# The most replies a thread gets: what its kind of conversation has to say without repeating itself.
MAX_REPLIES = {"question": 12, "discussion": 16, "welcome": 8}
UNANSWERED_NEWEST = 2  # the newest threads still wait for their first reply
EMAIL_DOMAIN = "example.org"

OP_ROLES = frozenset({"op_info", "op_tried", "resolved", "op_update", "op_unsolved", "op_answer", "op_thanks"})


@dataclass
class PostPlan:
    role: str
    author: str = ""
    at: datetime | None = None
    body: str = ""
    reply_to: int | None = None  # index in the thread's posts of the message answered; 0 is the opening post


@dataclass
class MarkPlan:
    post: int  # index in the thread's posts
    member: str
    at: datetime


@dataclass
class ThreadPlan:
    subject: str
    kind: str
    category: str
    title: str
    posts: list[PostPlan]  # posts[0] opens the thread
    solution: int | None = None  # index of the reply the author accepted
    accepted_at: datetime | None = None
    marks: list[MarkPlan] = field(default_factory=list)  # helpful marks

    @property
    def author(self) -> str:
        return self.posts[0].author

    @property
    def created_at(self) -> datetime:
        return self.posts[0].at


@dataclass
class MemberPlan:
    username: str
    email: str
    joined_at: datetime
    helper_weight: float  # how often they answer others
    asker_weight: float  # how often they start threads


@dataclass
class Plan:
    start: datetime
    members: list[MemberPlan]
    threads: list[ThreadPlan] = field(default_factory=list)

    def events(self) -> list[tuple[datetime, int, str, int, str]]:
        """What happened, in order, as (time, thread index, what, post index, who): each post
        written ("post"), each reply accepted as a solution ("solution") and marked helpful ("mark")."""
        events = []
        for t, thread in enumerate(self.threads):
            events.extend((post.at, t, "post", p, post.author) for p, post in enumerate(thread.posts))
            if thread.solution is not None:
                events.append((thread.accepted_at, t, "solution", thread.solution, thread.author))
            events.extend((mark.at, t, "mark", mark.post, mark.member) for mark in thread.marks)
        return sorted(events)

    @property
    def reply_total(self) -> int:
        return sum(len(thread.posts) - 1 for thread in self.threads)


def build_plan(now: datetime, seed: int = SEED) -> Plan:
    return _Builder(now, random.Random(seed)).build()


def email_of(username: str) -> str:
    local = unicodedata.normalize("NFKD", username).encode("ascii", "ignore").decode().lower()
    return f"{local}@{EMAIL_DOMAIN}"


class _Values(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"no value for the slot {{{key}}}")


def fill(template: str, values: dict) -> str:
    return template.format_map(_Values(values))


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_QUOTABLE_SKIP = re.compile(r"^(>|-|\*|\d+\.)\s")


def excerpt(body: str, limit: int = 200) -> str:
    """The sentence or two of a message that a reply would quote."""
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    own = [p for p in paragraphs if not p.startswith(">")] or paragraphs  # never quote a quote
    prose = [p for p in own if not _QUOTABLE_SKIP.match(p)] or own
    long = [p for p in prose if len(p) >= 30] or prose  # not "Salut Léa," above the answer
    candidates = [p for p in long if not p.endswith(":")] or long
    text = " ".join(candidates[0].split())
    sentences = _SENTENCE_END.split(text)
    quoted = sentences[0]
    for sentence in sentences[1:]:
        if len(quoted) >= 80 or len(quoted) + len(sentence) + 1 > limit:
            break
        quoted += " " + sentence
    if len(quoted) > limit:
        quoted = quoted[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return quoted


def quote_block(body: str) -> str:
    return "> " + excerpt(body)


class _Builder:
    def __init__(self, now: datetime, rng: random.Random) -> None:
        self.rng = rng
        # Midnight: the times of day, and hence every draw, are the same whatever the time of the run.
        self.now = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.limit = self.now - timedelta(minutes=5)  # nothing is written in the last minutes
        self.members: list[MemberPlan] = []
        self.titles: set[str] = set()
        self.unused_titles: dict[str, list[int]] = {}
        self.introduced: set[str] = set()

    # The community

    def build(self) -> Plan:
        self.members = self.make_members()
        times = self.thread_times()
        subjects = self.subject_sequence()
        counts = self.reply_counts(times, [MAX_REPLIES[subject["kind"]] for subject in subjects])
        plan = Plan(self.start, self.members)
        for at, subject, replies in zip(times, subjects, counts, strict=True):
            plan.threads.append(self.make_thread(at, subject, replies))
        return plan

    def make_members(self) -> list[MemberPlan]:
        rng = self.rng
        order = list(content.MEMBERS)
        rng.shuffle(order)
        members = []
        for rank, name in enumerate(order):
            if rank < FOUNDERS:
                joined = self.start + timedelta(hours=rng.uniform(1, 5 * 24))
            else:
                joined = self.start + timedelta(days=7 + 500 * rng.random() ** 1.3)
            members.append(
                MemberPlan(
                    username=name,
                    email=email_of(name),
                    joined_at=self.waking(joined.replace(microsecond=0)),
                    helper_weight=1 / (rank + 1) ** 0.75,
                    asker_weight=0.5 + rng.random(),
                )
            )
        members.sort(key=lambda member: member.joined_at)
        return members

    def thread_times(self) -> list[datetime]:
        first = self.start + timedelta(days=7)  # the founders are all there by then
        last = self.now - timedelta(hours=5)
        span = (last - first).total_seconds()
        times = []
        for _ in range(THREAD_TOTAL):
            # Denser towards today: the community grows.
            at = first + timedelta(seconds=int(span * self.rng.random() ** 0.8))
            woken = self.waking(at)
            times.append(woken if woken <= last else at)
        return sorted(times)

    def subject_sequence(self) -> list[dict]:
        """Every subject once per round, in a new order each round."""
        sequence: list[dict] = []
        while len(sequence) < THREAD_TOTAL:
            batch = list(SUBJECTS)
            self.rng.shuffle(batch)
            sequence.extend(batch)
        return sequence[:THREAD_TOTAL]

    def reply_counts(self, times: list[datetime], limits: list[int]) -> list[int]:
        rng = self.rng
        counts = []
        for at, limit in zip(times, limits, strict=True):
            age_days = (self.now - at).total_seconds() / 86400
            count = max(1, min(limit, round(rng.lognormvariate(1.75, 0.6))))
            if age_days < 3:
                count = min(count, 1 + int(age_days * 3))
            counts.append(count)
        for index in range(1, UNANSWERED_NEWEST + 1):
            counts[-index] = 0
        adjustable = [i for i, at in enumerate(times) if counts[i] and self.now - at > timedelta(days=3)]
        while (total := sum(counts)) != REPLY_TOTAL:
            i = rng.choice(adjustable)
            if total < REPLY_TOTAL and counts[i] < limits[i]:
                counts[i] += 1
            elif total > REPLY_TOTAL and counts[i] > 1:
                counts[i] -= 1
        return counts

    # One thread

    def make_thread(self, at: datetime, subject: dict, replies: int) -> ThreadPlan:
        kind, category = subject["kind"], subject["category"]
        op = self.pick_author(at, subject)
        slots, title, opening = self.slots_and_title(subject)
        slots["op"] = op
        advice = opening in subject["advice"]
        if kind == "question":
            roles = self.question_roles(replies, advice)
        else:
            said = sum(1 for o in subject["answer_openings"] if o is None or o == opening)
            roles = self.discussion_roles(replies, kind, category, said + len(content.TIPS[category]))
        posts = [PostPlan("opening", author=op, at=at)] + [PostPlan(role) for role in roles]
        self.set_times(posts)
        thread = ThreadPlan(subject["key"], kind, category, title, posts)
        self.write(thread, subject, slots, opening, advice)
        self.recognise(thread)
        return thread

    def pick_author(self, at: datetime, subject: dict) -> str:
        present = self.present(at)
        if subject["kind"] == "welcome":
            newcomers = [m for m in present if m.username not in self.introduced]
            recent = [m for m in newcomers if at - m.joined_at < timedelta(days=60)]
            pool = recent or newcomers
            if pool:
                member = max(pool, key=lambda m: m.joined_at)
                self.introduced.add(member.username)
                return member.username
        return self.rng.choices(present, weights=[m.asker_weight for m in present])[0].username

    def present(self, at: datetime) -> list[MemberPlan]:
        return [m for m in self.members if m.joined_at < at - timedelta(minutes=10)]

    def draw_slots(self) -> dict:
        slots: dict = {}
        for name, values in content.SLOTS.items():
            value = self.rng.choice(values)
            slots.update(value if isinstance(value, dict) else {name: value})
        return slots

    def slots_and_title(self, subject: dict) -> tuple[dict, str, int]:
        """Fresh slot values, a title no other thread has, and the number of the opening post that
        goes with that title."""
        key, templates = subject["key"], subject["titles"]
        unused = self.unused_titles.setdefault(key, [])
        if not unused:
            unused.extend(range(len(templates)))
            self.rng.shuffle(unused)
        for attempt in range(50):
            slots = self.draw_slots()
            index = unused[0] if attempt < 25 else self.rng.randrange(len(templates))
            title = fill(templates[index], slots)
            if title not in self.titles:
                if index in unused:
                    unused.remove(index)
                self.titles.add(title)
                return slots, title, subject["title_openings"][index]
        raise RuntimeError(f"no unused title left for the subject {key!r}")

    # Who says what, in which order

    def question_roles(self, count: int, advice: bool) -> list[str]:
        """A request for advice gets answers and thanks; a fault also gets questions about the
        symptom, attempts that fail and further steps, and may stay unsolved."""
        rng = self.rng
        problem = 0 if advice else 1
        resolve_at = None  # from which reply on the author may say it is solved
        if count >= 2 and rng.random() < 0.75:
            resolve_at = rng.randint(min(math.ceil(count * 0.6), count - 1), count - 1)
        roles: list[str] = []
        for i in range(count):
            remaining = count - i
            last = roles[-1] if roles else None
            answered = any(role in ("answer", "refine") for role in roles)
            if last == "clarify":
                role = "op_info"
            elif last == "op_tried":
                role = "refine"
            elif "resolved" in roles:
                role = self.weighted(
                    {
                        "thanks_other": 3,
                        "tip": 0.8,
                        "op_update": 0 if "op_update" in roles else 1.5,
                        "late": 0 if "late" in roles else (1.5 if remaining == 1 else 0.1),
                    }
                )
            elif answered and resolve_at is not None and i >= resolve_at:
                role = "resolved"
            elif not answered:
                role = self.weighted(
                    {
                        "answer": 6,
                        "clarify": 3 * problem if i == 0 and remaining >= 2 else 0,
                        "metoo": 1 if i > 0 and roles.count("metoo") < 1 else 0,
                    }
                )
            elif problem and resolve_at is None and remaining == 1 and count >= 3 and rng.random() < 0.5:
                role = "op_unsolved"
            else:
                role = self.weighted(
                    {
                        "answer": 2 if roles.count("answer") < 3 else 0.3,
                        "op_tried": 2 * problem if "op_tried" not in roles and remaining >= 2 else 0,
                        "clarify": 0.5 * problem if not {"clarify", "op_tried"} & set(roles) and remaining >= 2 else 0,
                        "metoo": 1 if roles.count("metoo") < 2 else 0,
                        "tip": 0.6,
                    }
                )
            roles.append(role)
        return roles

    def discussion_roles(self, count: int, kind: str, category: str, opinions: int) -> list[str]:
        """`opinions`: how many different things the subject and the category's tips can say."""
        roles: list[str] = []
        for i in range(count):
            remaining = count - i
            last = roles[-1] if roles else None
            if last == "ask":
                roles.append("op_answer")
                continue
            can_ask = category in content.ASK and remaining >= 2 and roles.count("ask") < 2
            if kind == "welcome":
                weights = {
                    "opinion": 5,
                    "ask": 1 if can_ask else 0,
                    "op_thanks": 1.5 if i >= 2 and "op_thanks" not in roles else 0,
                }
            else:
                weights = {
                    "opinion": 4 if roles.count("opinion") + roles.count("tip") < opinions else 0.2,
                    "agree": 1.5 if i >= 1 else 0,
                    "disagree": 0.6 if i >= 1 and category in content.DISAGREE else 0,
                    "ask": 1 if can_ask else 0,
                    "op_thanks": 1.2 if i >= 3 and "op_thanks" not in roles else 0,
                    "plus_one": 2 if category == "idees-suggestions" else 0,
                    "tip": 0.4,
                }
            roles.append(self.weighted(weights))
        return roles

    def weighted(self, weights: dict[str, float]) -> str:
        names = [name for name, weight in weights.items() if weight > 0]
        return self.rng.choices(names, weights=[weights[name] for name in names])[0]

    # When

    def set_times(self, posts: list[PostPlan]) -> None:
        rng = self.rng
        at = posts[0].at
        for index, post in enumerate(posts[1:], 1):
            if post.role in ("late", "op_update"):
                days = rng.uniform(20, 160) if post.role == "late" else rng.uniform(2, 12)
                room = self.limit - at  # a young thread gets its late message sooner
                gap = min(timedelta(days=days), room * rng.uniform(0.3, 0.9)) if room > timedelta(0) else timedelta(0)
            else:
                if index == 1:
                    median, spread = 80, 1.0
                elif post.role == "thanks_other":
                    median, spread = 600, 1.3
                elif post.role in OP_ROLES:
                    median, spread = 150, 1.0
                else:
                    median, spread = 200, 1.2
                gap = timedelta(minutes=rng.lognormvariate(math.log(median), spread))
            at = self.waking(at + max(gap, timedelta(minutes=3)))
            post.at = at
        start, last = posts[0].at, posts[-1].at
        if last > self.limit:  # squeeze the conversation into the time there was
            factor = (self.limit - start) / (last - start)
            for post in posts[1:]:
                post.at = start + (post.at - start) * factor
        for previous, post in pairwise(posts):
            post.at = max(post.at.replace(microsecond=0), previous.at + timedelta(seconds=1))

    def waking(self, at: datetime) -> datetime:
        """Most people do not write between 1 and 7 in the morning."""
        asleep, minutes = self.rng.random() < 0.85, self.rng.randint(0, 150)
        if 1 <= at.hour < 7 and asleep:
            return at.replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(minutes=minutes)
        return at

    # What

    def write(self, thread: ThreadPlan, subject: dict, slots: dict, opening: int, advice: bool) -> None:
        rng = self.rng
        posts, category, kind = thread.posts, thread.category, thread.kind
        op = thread.author
        used: dict[str, set[int]] = {}

        # The subject's answers that suit this thread's opening, by number.
        suitable = [n for n, o in enumerate(subject["answer_openings"]) if o is None or o == opening]

        def take(name: str, items: list):
            """An item of `items` this thread has not used yet, or None."""
            seen = used.setdefault(name, set())
            left = [i for i in range(len(items)) if i not in seen]
            if not left:
                return None
            index = rng.choice(left)
            seen.add(index)
            return items[index]

        def text(template: str, **extra) -> str:
            return fill(template, {**slots, **extra})

        def optional(choices: list, **extra) -> list[str]:
            choice = rng.choice(choices)
            return [text(choice, **extra)] if choice else []

        substantive = [0]  # posts worth quoting in agreement: the opening, and advice from the subject

        def spare() -> str:
            """What a helper adds when the subject has nothing left to say: a tip, else agreement."""
            tip = take("tips", content.TIPS[category])
            if tip is not None:
                closers = content.TIP_CLOSERS if category in content.TECHNICAL_CATEGORIES else [None]
                return "\n\n".join([text(tip)] + optional(closers))
            agree = take("agree", content.AGREE["*"]) or rng.choice(content.AGREE["*"])
            return text(agree, quote=quote_block(posts[rng.choice(substantive)].body))

        signoffs = content.SIGNOFFS["welcome" if category == "coin-des-membres" else kind]
        posts[0].body = "\n\n".join(
            optional(content.GREETINGS) + [text(subject["openings"][opening])] + optional(signoffs)
        )

        answers: list[int] = []  # posts that gave a solution
        fixes: dict[int, str] = {}  # what the author says if that post's advice solved it
        solution = None
        pending_pair = pending_tried = None
        for i, post in enumerate(posts[1:], 1):
            role, at = post.role, post.at
            previous_author = posts[i - 1].author
            participants = {p.author for p in posts[:i]}
            if role in OP_ROLES:
                post.author = op

            if role == "clarify":
                post.author = self.helper(at, op, {previous_author})
                pending_pair = take("clarify", content.CLARIFY[category])
                post.reply_to = 0 if rng.random() < 0.5 else None
                post.body = text(pending_pair[0])
            elif role == "op_info":
                post.reply_to = i - 1
                post.body = quote_block(posts[i - 1].body) + "\n\n" + text(pending_pair[1])
            elif role == "answer":
                post.author = self.helper(at, op, {previous_author} | {posts[a].author for a in answers})
                # Subjects list their answers from the main one to the last resort: mostly in that order.
                left = [n for n in suitable if n not in used.setdefault("answers", set())]
                number = (left[0] if rng.random() < 0.7 else rng.choice(left)) if left else None
                if number is not None:
                    used["answers"].add(number)
                if number is None:  # the subject has nothing left: a tip
                    body = spare()
                else:
                    body = text(subject["answers"][number])
                    substantive.append(i)
                    if number < len(subject["fixed"]) and subject["fixed"][number]:
                        fixes[i] = subject["fixed"][number]
                if number is None:
                    post.reply_to = None
                    post.body = body
                elif answers and rng.random() < 0.4:
                    earlier = rng.choice(answers)
                    intro = text(rng.choice(content.ALTERNATIVE_INTROS), helper=posts[earlier].author)
                    post.reply_to = earlier
                    post.body = "\n\n".join([quote_block(posts[earlier].body), intro, body])
                else:
                    post.reply_to = 0 if rng.random() < 0.3 else None
                    post.body = "\n\n".join(
                        optional(content.ANSWER_OPENERS, op=op) + [body] + optional(content.ANSWER_CLOSERS)
                    )
                answers.append(i)
            elif role == "op_tried":
                target = answers[-1]
                tries = content.TRIED["application" if category == "application" else "device"]
                pending_tried = take("tried", tries) or rng.choice(tries)
                post.reply_to = target
                post.body = quote_block(posts[target].body) + "\n\n" + text(pending_tried[0])
            elif role == "refine":
                target = posts[i - 1].reply_to
                post.author = posts[target].author
                post.reply_to = i - 1
                post.body = text(pending_tried[1])
                fixes[i] = pending_tried[2]
                answers.append(i)
            elif role == "metoo":
                post.author = self.helper(
                    at, op, {previous_author} | {p.author for p in posts[1:i] if p.role == "metoo"}
                )
                post.reply_to = 0 if rng.random() < 0.5 else None
                post.body = " ".join(
                    [
                        text(
                            take("metoo", content.SAME_QUESTION if advice else content.METOO)
                            or rng.choice(content.METOO)
                        )
                    ]
                    + ([] if advice else optional(content.METOO_DETAILS))
                )
            elif role == "resolved":
                # Most often the advice the author can say something about, the latest such advice first.
                fixing = [a for a in answers if a in fixes]
                if fixing and rng.random() < 0.85:
                    solution = fixing[-1] if rng.random() < 0.7 else rng.choice(fixing)
                else:
                    solution = answers[-1]
                fixed = text(fixes.get(solution) or rng.choice(content.FIXED_FALLBACK))
                post.reply_to = solution
                post.body = text(
                    rng.choice(content.RESOLVED),
                    fixed=fixed,
                    helper=posts[solution].author,
                    quote=quote_block(posts[solution].body),
                )
            elif role == "thanks_other":
                thankers = {p.author for p in posts[1:i] if p.role == "thanks_other"}
                post.author = self.helper(at, op, {posts[solution].author, previous_author} | thankers)
                post.reply_to = solution if rng.random() < 0.7 else None
                post.body = text(
                    take("thanks", content.THANKS_OTHER) or rng.choice(content.THANKS_OTHER),
                    helper=posts[solution].author,
                )
            elif role == "op_update":
                post.body = text(rng.choice(content.OP_UPDATE))
            elif role == "late":
                post.author = self.helper(at, op, {previous_author})
                post.reply_to = solution if rng.random() < 0.5 else None
                post.body = text(rng.choice(content.LATE), helper=posts[solution].author)
            elif role == "op_unsolved":
                post.body = text(rng.choice(content.OP_UNSOLVED))
            elif role == "tip":
                post.author = self.helper(at, op, {previous_author})
                post.body = spare()
            elif role == "opinion":
                post.author = self.helper(at, op, {previous_author}, participants)
                number = take("answers", suitable)
                if number is not None:
                    post.body = text(subject["answers"][number])
                    substantive.append(i)
                elif kind == "welcome":
                    post.body = text(take("welcomes", content.WELCOMES) or rng.choice(content.WELCOMES), op=op)
                else:
                    post.body = spare()
                post.reply_to = 0 if rng.random() < 0.25 else None
            elif role in ("agree", "disagree"):
                post.author = self.helper(at, op, {previous_author}, participants)
                # Something worth agreeing with: the opening post or an opinion, not a thank-you.
                targets = [
                    j
                    for j in range(i)
                    if posts[j].author != post.author and posts[j].role in ("opening", "opinion", "answer")
                ] or [0]
                target = rng.choice(targets)
                bank = content.AGREE if role == "agree" else content.DISAGREE
                choices = (bank.get("*", []) + bank.get(category, [])) if role == "agree" else bank[category]
                post.reply_to = target
                post.body = text(
                    take(role, choices) or rng.choice(choices),
                    quote=quote_block(posts[target].body),
                )
            elif role == "ask":
                post.author = self.helper(at, op, {previous_author}, participants)
                pending_pair = take("ask", content.ASK[category]) or rng.choice(content.ASK[category])
                post.reply_to = 0
                post.body = text(pending_pair[0])
            elif role == "op_answer":
                post.reply_to = i - 1
                post.body = quote_block(posts[i - 1].body) + "\n\n" + text(pending_pair[1])
            elif role == "op_thanks":
                key = "welcome" if kind == "welcome" else category if category in content.OP_THANKS else "discussion"
                post.body = text(rng.choice(content.OP_THANKS[key]))
            elif role == "plus_one":
                voters = {p.author for p in posts[1:i] if p.role == "plus_one"}
                post.author = self.helper(at, op, {previous_author} | voters)
                post.reply_to = 0 if rng.random() < 0.5 else None
                post.body = " ".join(
                    [text(take("plus_one", content.PLUS_ONE) or rng.choice(content.PLUS_ONE))]
                    + optional(content.PLUS_ONE_DETAILS)
                )
            else:  # pragma: no cover - a role without words is a bug in this module
                raise ValueError(f"unknown role {role!r}")

    # Recognition

    def recognise(self, thread: ThreadPlan) -> None:
        """The author accepts the reply that solved their question; peers mark replies helpful."""
        rng, posts = self.rng, thread.posts
        marks: dict[tuple[int, str], datetime] = {}

        def mark(index: int | None, member: str, at: datetime) -> None:
            if not index or member == posts[index].author or (index, member) in marks:
                return  # never the opening post, never one's own reply, once
            at = min(max(at, posts[index].at + timedelta(minutes=1)), self.limit)
            joined = next(m.joined_at for m in self.members if m.username == member)
            if posts[index].at < at and joined < at:
                marks[(index, member)] = at.replace(microsecond=0)

        def later(index: int) -> datetime:
            return posts[index].at + timedelta(minutes=rng.lognormvariate(math.log(24 * 60), 1.2))

        for i, post in enumerate(posts[1:], 1):
            if post.role == "resolved":
                thread.solution = post.reply_to
                thread.accepted_at = min(post.at + timedelta(minutes=rng.randint(1, 10)), self.limit)
                if rng.random() < 0.9:
                    mark(post.reply_to, thread.author, post.at)
                for j in range(1, i):
                    if posts[j].role in ("answer", "refine") and rng.random() < 0.35:
                        mark(j, thread.author, post.at + timedelta(minutes=rng.randint(1, 10)))
            elif post.role in ("thanks_other", "late") and rng.random() < 0.85:
                mark(thread.solution, post.author, post.at)
            elif post.role == "agree" and rng.random() < 0.8:
                mark(post.reply_to, post.author, post.at)
            readers = {
                "answer": (0, 0, 1, 1, 2, 3),
                "refine": (0, 1, 1),
                "opinion": (0, 0, 0, 1, 1, 2),
                "tip": (0, 0, 1),
            }
            for _ in range(rng.choice(readers.get(post.role, (0,)))):
                at = later(i)
                mark(i, self.helper(at, thread.author, {post.author}), at)
        thread.marks = [MarkPlan(index, member, at) for (index, member), at in marks.items()]

    def helper(self, at: datetime, op: str, exclude: set[str], participants: set[str] = frozenset()) -> str:
        """A member other than the thread's author `op`, present at `at`: the most active more often,
        those already in the conversation more often still; `exclude` is dropped when nobody is left."""
        present = [m for m in self.present(at) if m.username != op]
        pool = [m for m in present if m.username not in exclude] or present
        weights = [m.helper_weight * (2 if m.username in participants else 1) for m in pool]
        return self.rng.choices(pool, weights=weights)[0].username
