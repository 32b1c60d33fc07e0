"""Words of the demo community, read from the TOML files of `data/` beside this module: the
categories, the members and the values of the `{slots}` (`community.toml`), and the phrase banks
(`phrases.toml`) that the generator (`app.demo.plan`) combines with the subjects of
`app.demo.subjects`. Keeping the words in data files lets them be read and edited as text, apart
from the code that replays them.

The community is the forum of "Voltéa", a fictional French smart-home and energy brand: the
Thermo connected thermostats, the Vanne radiator valves and their Hub, the Plug smart plugs, the
Stock home battery, the Sol solar kit, the Compteur meter module and the "Voltéa Maison" app.
Every link points to example.org: no real domain of any brand.

Texts are Markdown, written wrapped in the files as in an editor: `md` joins the lines of each
paragraph. `{name}` slots are filled per thread from SLOTS, and by the generator with `op` (the
thread's author), `helper` (the author of the message answered), `quote` (a quoted excerpt of that
message) and `fixed` (what solved the problem). In a list of choices, "" means that nothing is said.
"""

import re
import tomllib
from pathlib import Path
from textwrap import dedent

DATA = Path(__file__).parent / "data"

_BLOCK_START = re.compile(r"^(\d+\.|[-*>])\s")


def md(text: str) -> str:
    """Dedent a text written wrapped in a data file, and join its lines as a person types them:
    one line per paragraph, list item or quote line."""
    blocks = []
    for block in dedent(text).strip().split("\n\n"):
        lines: list[str] = []
        for line in block.split("\n"):
            stripped = line.strip()
            if lines and not _BLOCK_START.match(stripped):
                lines[-1] += " " + stripped
            else:
                lines.append(stripped)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def read_toml(path: Path) -> dict:
    with path.open("rb") as file:
        return tomllib.load(file)


def _texts(texts: list[str]) -> list[str]:
    return [md(text) for text in texts]


def _banks(banks: dict[str, list[str]], above: str = "") -> dict[str, list[str]]:
    return {key: [above + text for text in _texts(texts)] for key, texts in banks.items()}


def _exchange(exchange: dict, *parts: str) -> tuple[str, ...]:
    return tuple(md(exchange[part]) for part in parts)


def _by_category(exchanges: list[dict]) -> dict[str, list[tuple[str, ...]]]:
    """(question, answer) by category: an exchange listed with several categories serves in each."""
    banks: dict[str, list[tuple[str, ...]]] = {}
    for exchange in exchanges:
        for category in exchange["categories"]:
            banks.setdefault(category, []).append(_exchange(exchange, "question", "answer"))
    return banks


_community = read_toml(DATA / "community.toml")

# (slug, name, description), in display order.
CATEGORIES = [(category["slug"], category["name"], md(category["description"])) for category in _community["category"]]
MEMBERS = _community["members"]
MISSED_SEARCHES = _community["missed_searches"]
# One value per slot is drawn for each thread; a table value fills several related slots at once.
SLOTS = _community["slots"]

_phrases = read_toml(DATA / "phrases.toml")

GREETINGS = _texts(_phrases["opening"]["greetings"])
SIGNOFFS = _banks(_phrases["opening"]["signoffs"])

ANSWER_OPENERS = _texts(_phrases["answer"]["openers"])
ANSWER_CLOSERS = _texts(_phrases["answer"]["closers"])
ALTERNATIVE_INTROS = _texts(_phrases["answer"]["alternative_intros"])

CLARIFY = _by_category(_phrases["clarify"])
# (report, next step, fixed), about a device or the application.
TRIED = {
    about: [_exchange(tried, "report", "next_step", "fixed") for tried in tries]
    for about, tries in _phrases["tried"].items()
}

SAME_QUESTION = _texts(_phrases["same_here"]["advice"])
METOO = _texts(_phrases["same_here"]["fault"])
METOO_DETAILS = _texts(_phrases["same_here"]["details"])

RESOLVED = _texts(_phrases["outcome"]["resolved"])
FIXED_FALLBACK = _texts(_phrases["outcome"]["fixed_fallback"])
THANKS_OTHER = _texts(_phrases["outcome"]["thanks_other"])
OP_UPDATE = _texts(_phrases["outcome"]["op_update"])
LATE = _texts(_phrases["outcome"]["late"])
OP_UNSOLVED = _texts(_phrases["outcome"]["op_unsolved"])

TIPS = _banks(_phrases["tips"])
TIP_CLOSERS = _texts(_phrases["tip_closers"]["texts"])
TECHNICAL_CATEGORIES = tuple(_phrases["tip_closers"]["categories"])

# The quote of the message replied to goes above the reply.
AGREE = _banks(_phrases["agree"], above="{quote}\n\n")
DISAGREE = _banks(_phrases["disagree"], above="{quote}\n\n")
# (question, answer) by category.
ASK = {
    category: [_exchange(asked, "question", "answer") for asked in exchanges]
    for category, exchanges in _phrases["ask"].items()
}

PLUS_ONE = _texts(_phrases["plus_one"]["votes"])
PLUS_ONE_DETAILS = _texts(_phrases["plus_one"]["details"])
WELCOMES = _texts(_phrases["welcome"]["welcomes"])
OP_THANKS = _banks(_phrases["op_thanks"])
