"""How many characters each field accepts: one number per field, for its column, its form and its
service; and the largest id a row can have.

A column's size is part of the schema: changing one here takes a migration. Settings may lower
the limits of some fields (`TITLE_MAX_LENGTH`), never raise them past their column (see app.config)."""

# The largest id a row can have: the id columns are INTEGER, 32 bits on PostgreSQL. A larger number,
# in a URL or a form, names nothing, and PostgreSQL refuses to compare an id column with it.
MAX_ROW_ID = 2**31 - 1

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 30
# Folding case and look-alike characters can lengthen a name ("ß" becomes "ss").
USERNAME_KEY_MAX_LENGTH = 2 * USERNAME_MAX_LENGTH
# The longest address SMTP carries (RFC 5321); a login field, username or email, is never longer.
EMAIL_MAX_LENGTH = 254
# Passwords are stored hashed, in no column of their size; the maximum bounds the hashing work.
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 200

CATEGORY_NAME_MAX_LENGTH = 80
CATEGORY_DESCRIPTION_MAX_LENGTH = 500
# The slugs made from a name or a title, and the ones an administrator types for a category.
SLUG_MAX_LENGTH = 80
# Beyond SLUG_MAX_LENGTH, room for the suffix a slug that is a reserved word gets.
THREAD_SLUG_MAX_LENGTH = 160
TITLE_MAX_LENGTH = 150

# Every moderation and administration action states why, in a few words; the members it concerns
# read the same reason in their notifications.
REASON_MIN_LENGTH = 3
REASON_MAX_LENGTH = 500
FLAG_NOTE_MAX_LENGTH = 500

# Search queries are not stored; the cap bounds the work of parsing one.
SEARCH_QUERY_MAX_LENGTH = 500
# Except, counted per day, the text of those that found nothing (app.insights), cut to this length.
SEARCH_MISS_QUERY_MAX_LENGTH = 200
