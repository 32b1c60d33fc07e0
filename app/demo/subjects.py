"""The demo community's thread subjects: what members of the Voltéa forum ask and discuss, read
from `data/subjects/<category slug>.toml`, one file per category, each subject with its openings,
titles and answers together.

A subject is a `question` (a symptom or a request for advice; answers with steps; a resolution), a
`discussion` (opinions, experiences, ideas) or a `welcome` (a newcomer introduces themselves). In
its file, under `[[subject]]`:

- `key` (unique) and `kind`;
- `[[subject.opening]]`, one per way of opening the thread: its `text` (without greeting or
  sign-off, which the generator adds), the `titles` that go with it, and `advice = true` when it
  asks for advice rather than reports a fault: nobody answers it "same problem here" or asks which
  colour the light is. A subject's titles are varied enough to give each of its threads its own;
- `[[subject.answer]]`, from the main answer to the last resort: what helpers reply (steps, tips,
  experiences) as `text`; `opening`, the number of the opening it answers, counted from 1 (without
  it, it suits every opening); and for questions, `fixed`: what the author says once it solved
  the problem.

Texts are Markdown with `{slots}` (see `app.demo.content`), written wrapped.
"""

from itertools import zip_longest
from pathlib import Path

from app.demo.content import CATEGORIES, DATA, md, read_toml

SUBJECTS_FOLDER = DATA / "subjects"


def load_subjects(folder: Path = SUBJECTS_FOLDER) -> list[dict]:
    """Every subject, category by category in the forum's order, as the generator reads them."""
    return [
        _subject(slug, entry) for slug, _, _ in CATEGORIES for entry in read_toml(folder / f"{slug}.toml")["subject"]
    ]


def _subject(category: str, entry: dict) -> dict:
    """A subject as a dict of lists numbered alike: `titles` with `title_openings` (the opening each
    title goes with), `openings` with `advice` (the numbers of those asking for advice), `answers`
    with `answer_openings` (None: any opening) and `fixed` (None: nothing specific)."""
    openings, answers = entry["opening"], entry["answer"]
    titles = _titles_in_turn(openings)
    return {
        "key": entry["key"],
        "category": category,
        "kind": entry["kind"],
        "titles": [title for title, _ in titles],
        "title_openings": [number for _, number in titles],
        "openings": [md(opening["text"]) for opening in openings],
        "advice": frozenset(number for number, opening in enumerate(openings) if opening.get("advice")),
        "answers": [md(answer["text"]) for answer in answers],
        "answer_openings": [answer["opening"] - 1 if "opening" in answer else None for answer in answers],
        "fixed": [md(answer["fixed"]) if "fixed" in answer else None for answer in answers],
    }


def _titles_in_turn(openings: list[dict]) -> list[tuple[str, int]]:
    """(title, opening number) for every title, taking one of each opening in turn. The generator
    shuffles them; this fixed order is what keeps its draws, and so the demo, the same."""
    columns = [[(title, number) for title in opening["titles"]] for number, opening in enumerate(openings)]
    return [pair for row in zip_longest(*columns) for pair in row if pair is not None]


SUBJECTS = load_subjects()
