"""The interface speaks French first and English on request, and its French catalogue stays whole.

The catalogue tests guard the workflow: a string added to the code or the templates without being
translated, a .po edited without recompiling the .mo, or a translation that lost a placeholder all
fail here with the messages concerned. To refresh the catalogue after changing strings:

    make translations            # extract into messages.pot, merge into the .po, compile the .mo
    # then translate every new or fuzzy entry of app/translations/fr/LC_MESSAGES/messages.po
    .venv/bin/pybabel compile -d app/translations
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
POT = TRANSLATIONS / "messages.pot"
FRENCH_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
FRENCH_MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"
REFRESH = (
    "run `make translations`, translate the new entries of app/translations/fr/LC_MESSAGES/messages.po, "
    "then `.venv/bin/pybabel compile -d app/translations`"
)

# One printf-style conversion: %(name)s, %d, %.2f, %% ...
CONVERSION = re.compile(r"%(?:\(\w+\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")


def load_po(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def load_mo(path: Path):
    with path.open("rb") as file:
        return read_mo(file)


def messages(catalog) -> list:
    return [message for message in catalog if message.id]


def as_tuple(value) -> tuple:
    """A message's id or string as a tuple: one item, or one per plural form (read_mo gives lists)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def conversions(text: str) -> tuple[list[str], bool]:
    """The conversions of `text`, and whether a stray % is left that no conversion explains."""
    found = CONVERSION.findall(text)
    stray = "%" in CONVERSION.sub("", text)
    return sorted(found), stray


def describe(message_id) -> str:
    return " / ".join(as_tuple(message_id))


def extract_sources(tmp_path: Path) -> Path:
    """Extract the interface's strings as the Makefile's `translations` target does."""
    output = tmp_path / "fresh.pot"
    command = [
        sys.executable,
        "-m",
        "babel.messages.frontend",
        "-q",
        "extract",
        "--no-wrap",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "-o",
        str(output),
        ".",
    ]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return output


# --- choosing the language -----------------------------------------------------------------------


def page(client, path: str = "/", **headers) -> str:
    return client.get(path, headers=headers).get_data(as_text=True)


def test_french_is_served_by_default(french_client, thread):
    home = page(french_client)
    assert '<html lang="fr">' in home
    assert "Catégories" in home and "Derniers sujets" in home and "Se connecter" in home
    thread_page = page(french_client, f"/t/{thread.id}/{thread.slug}")
    assert "Nouveau venu" in thread_page  # the rank beside the author's name
    assert "rejoignez la communauté" in thread_page


def test_an_unsupported_browser_language_gets_french(french_client):
    home = page(french_client, **{"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="fr">' in home and "Catégories" in home


def test_english_is_served_when_the_browser_asks_for_it(french_client, thread):
    home = page(french_client, **{"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert '<html lang="en">' in home
    assert "Categories" in home and "Latest threads" in home and "Log in" in home
    assert "Catégories" not in home
    assert "Newcomer" in page(french_client, f"/t/{thread.id}/{thread.slug}", **{"Accept-Language": "en"})


def test_error_pages_speak_french(french_client):
    response = french_client.get("/there-is-nothing-here")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


@pytest.mark.parametrize("chosen, browser_language, expected", [("en", "fr", "en"), ("fr", "en", "fr")])
def test_a_members_chosen_language_wins_over_the_browser(client, auth, member, chosen, browser_language, expected):
    member.locale = chosen
    db.session.commit()
    auth.login(member)
    home = page(client, **{"Accept-Language": browser_language})
    assert f'<html lang="{expected}">' in home
    assert ("Catégories" if expected == "fr" else "Categories") in home


def test_form_validation_messages_are_in_french(french_client):
    response = french_client.post("/register", data={}, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ce champ est requis." in html  # WTForms' own catalogue, through Flask-WTF
    assert "Nom d'utilisateur" in html  # the field labels, from ours


def test_form_validation_messages_are_in_english_on_request(french_client):
    html = french_client.post("/register", data={}, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This field is required." in html and "Ce champ est requis." not in html


def test_french_plurals_follow_french_rules(app):
    with app.test_request_context(), force_locale("fr"):
        assert ngettext("reply", "replies", 0) == "réponse"  # zero is singular in French
        assert ngettext("reply", "replies", 1) == "réponse"
        assert ngettext("reply", "replies", 2) == "réponses"


# --- the catalogue -------------------------------------------------------------------------------


def test_french_catalogue_is_complete_and_not_fuzzy():
    catalog = load_po(FRENCH_PO)
    assert catalog.locale is not None and str(catalog.locale) == "fr"
    assert catalog.num_plurals == 2 and catalog.plural_expr.replace(" ", "") == "(n>1)"
    untranslated = [describe(m.id) for m in messages(catalog) if not all(s.strip() for s in as_tuple(m.string))]
    fuzzy = [describe(m.id) for m in messages(catalog) if m.fuzzy]
    assert not untranslated, f"French translation missing for: {untranslated}"
    assert not fuzzy, f"Fuzzy (unchecked) French translations: {fuzzy}; review them and drop the fuzzy flag"
    assert not catalog.fuzzy, "the catalogue's header is marked fuzzy"
    assert len(messages(catalog)) > 100


def test_translations_keep_their_placeholders():
    problems = []
    for message in messages(load_po(FRENCH_PO)):
        ids = as_tuple(message.id)
        strings = as_tuple(message.string)
        allowed = set().union(*(conversions(text)[0] for text in ids))
        for index, text in enumerate(strings):
            found, stray = conversions(text)
            if len(ids) == 1 or index == len(strings) - 1:
                # A plain message, or the plural form (French n > 1): the very same placeholders.
                wanted = conversions(ids[-1])[0]
                wrong = found != wanted
            else:
                # French's singular form also covers 0, so it may name a placeholder that the
                # English singular leaves out (e.g. %(count)d), but none that English lacks.
                wanted = sorted(allowed)
                wrong = not set(found) <= allowed
            if wrong or stray:
                problems.append(
                    f"{describe(message.id)!r} -> {text!r}: {found} instead of {wanted}"
                    + (" (stray %)" if stray else "")
                )
    assert not problems, "Placeholders changed in translation:\n" + "\n".join(problems)


def test_translations_add_no_markup():
    """Jinja marks a template's translated string safe before filling in its (escaped) values, so
    a translation must not bring HTML of its own."""
    problems = []
    for message in messages(load_po(FRENCH_PO)):
        source = "".join(as_tuple(message.id))
        for text in as_tuple(message.string):
            added = [char for char in '<&"' if char in text and char not in source]
            if added:
                problems.append(f"{describe(message.id)!r} -> {text!r} adds {added}")
    assert not problems, "\n".join(problems)


def test_babel_checkers_accept_the_french_catalogue():
    errors = [
        f"{describe(message.id)!r}: {'; '.join(map(str, problems))}" for message, problems in load_po(FRENCH_PO).check()
    ]
    assert not errors, "\n".join(errors)


def test_compiled_catalogue_matches_the_po():
    po = {as_tuple(m.id): as_tuple(m.string) for m in messages(load_po(FRENCH_PO)) if not m.fuzzy}
    mo = {as_tuple(m.id): as_tuple(m.string) for m in messages(load_mo(FRENCH_MO))}
    stale = sorted(describe(key) for key in po.keys() | mo.keys() if po.get(key) != mo.get(key))
    assert not stale, f"messages.mo is out of date for {stale}: run `.venv/bin/pybabel compile -d app/translations`"


def test_catalogue_is_up_to_date_with_the_sources(tmp_path):
    fresh = {m.id for m in messages(load_po(extract_sources(tmp_path)))}
    template = {m.id for m in messages(load_po(POT))}
    french = {m.id for m in messages(load_po(FRENCH_PO))}
    report = []
    for name, known in (("app/translations/messages.pot", template), ("the French catalogue", french)):
        new = sorted(describe(key) for key in fresh - known)
        gone = sorted(describe(key) for key in known - fresh)
        if new:
            report.append(f"Not yet in {name}: {new}")
        if gone:
            report.append(f"No longer in the sources but still in {name}: {gone}")
    assert not report, "\n".join(report) + f"\nTo refresh: {REFRESH}."
