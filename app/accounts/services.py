"""Accounts: registration, authentication and the changes a member makes to their own account."""

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import usernames
from app.accounts.models import MEMBER, ROLES, User
from app.errors import InvalidInput
from app.extensions import db
from app.limits import EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

# Checked against when the login is unknown, so that a wrong name costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("entraide-timing-equaliser")


def find_by_username(name: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.username_key == usernames.lookalike_key(usernames.normalise(name)))
    )


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email_length(address: str) -> None:
    if len(address) > EMAIL_MAX_LENGTH:
        raise InvalidInput(_("An email address has at most %(max)d characters.", max=EMAIL_MAX_LENGTH), "email")


def check_password_strength(password: str, field: str = "password") -> None:
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise InvalidInput(
            _(
                "A password has %(min)d to %(max)d characters.",
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
            ),
            field,
        )


def create_user(username: str, email: str, password: str, role: str = MEMBER) -> User:
    """Add an account after checking every rule; the caller commits."""
    name = usernames.normalise(username)
    usernames.check(name)
    if find_by_username(name) is not None:
        raise InvalidInput(_("This username, or one that looks just like it, is taken."), "username")
    address = normalise_email(email)
    check_email_length(address)
    if find_by_email(address) is not None:
        raise InvalidInput(_("An account already uses this email address."), "email")
    check_password_strength(password)
    if role not in ROLES:
        raise InvalidInput(_("Unknown role: %(role)s.", role=role))
    user = User(
        username=name,
        username_key=usernames.lookalike_key(name),
        email=address,
        password_hash=generate_password_hash(password),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(login: str, password: str) -> User | None:
    """The account whose username or email is `login`, if the password matches."""
    login = login.strip()
    if not login or len(login) > EMAIL_MAX_LENGTH:
        return None
    user = find_by_email(login) if "@" in login else find_by_username(login)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise InvalidInput(_("The current password is wrong."), "current_password")
    check_password_strength(new, "new_password")
    user.password_hash = generate_password_hash(new)


def change_email(user: User, password: str, new_email: str) -> None:
    if not check_password_hash(user.password_hash, password):
        raise InvalidInput(_("The current password is wrong."), "password")
    address = normalise_email(new_email)
    if address == user.email:
        return
    check_email_length(address)
    if find_by_email(address) is not None:
        raise InvalidInput(_("An account already uses this email address."), "email")
    user.email = address


def set_locale(user: User, locale: str, available: tuple[str, ...]) -> None:
    if locale not in available:
        raise InvalidInput(_("This language is not available."), "locale")
    user.locale = locale
