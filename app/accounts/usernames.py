"""What makes a username acceptable, and the key under which two look-alike names collide."""

import re
import unicodedata

from confusable_homoglyphs import confusables
from flask_babel import gettext as _

from app.errors import InvalidInput
from app.limits import USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH

# Letters and digits of any script, and the separators . _ - between them.
ALLOWED = re.compile(r"^[^\W_](?:[\w.-]*[^\W_])?$")


def normalise(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def check(name: str) -> None:
    """Raise InvalidInput with the reason a normalised name is refused."""
    if not USERNAME_MIN_LENGTH <= len(name) <= USERNAME_MAX_LENGTH:
        raise InvalidInput(
            _("A username has %(min)d to %(max)d characters.", min=USERNAME_MIN_LENGTH, max=USERNAME_MAX_LENGTH),
            "username",
        )
    if not ALLOWED.match(name):
        raise InvalidInput(_("A username uses letters and digits, with . _ or - between them."), "username")
    if confusables.is_mixed_script(name, allowed_aliases=["COMMON"]):
        raise InvalidInput(_("A username may not mix alphabets."), "username")


def lookalike_key(name: str) -> str:
    """Fold case and visually confusable characters: "Paul", "paul" and "раul" share one key."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(_skeleton_char(char) for char in folded)


def _skeleton_char(char: str) -> str:
    lookalikes = confusables.confusables_data.get(char, ())
    ascii_forms = [entry["c"].casefold() for entry in lookalikes if len(entry["c"]) == 1 and entry["c"].isascii()]
    return min([char, *ascii_forms]) if ascii_forms else char
