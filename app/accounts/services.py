"""Accounts: registration, authentication and the changes a member makes to their own account."""

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import tokens, usernames
from app.accounts.models import MEMBER, ROLES, User
from app.clock import utcnow
from app.errors import InvalidInput
from app.extensions import db
from app.limits import EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from app.mail import outbox
from app.mail.rendering import external_url

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


def check_address(address: str) -> None:
    if len(address) > EMAIL_MAX_LENGTH:
        raise InvalidInput(_("An email address has at most %(max)d characters.", max=EMAIL_MAX_LENGTH), "email")
    # The domain of erased accounts' addresses (RFC 2606): no mail reaches it.
    if address.endswith((".invalid", "@invalid")):
        raise InvalidInput(_("This email address cannot receive mail."), "email")


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


def create_user(username: str, email: str, password: str, role: str = MEMBER, confirmed: bool = False) -> User:
    """Add an account after checking every rule; the caller commits. An account whose address is
    not `confirmed` (one made by registering) gets a link to confirm it."""
    name, address = usernames.normalise(username), normalise_email(email)
    _check_new_account(name, address, password, role)
    if find_by_email(address) is not None:
        raise InvalidInput(_("An account already uses this email address."), "email")
    return _add_account(name, address, password, role, confirmed)


def _add_account(name: str, address: str, password: str, role: str, confirmed: bool) -> User:
    """The account, once every rule has been checked."""
    user = User(
        username=name,
        username_key=usernames.lookalike_key(name),
        email=address,
        password_hash=generate_password_hash(password),
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    if not confirmed:
        send_address_confirmation(user)
    return user


def _check_new_account(name: str, address: str, password: str, role: str) -> None:
    """Every rule of a new account but the one that tells whether its address is in use."""
    usernames.check(name)
    if find_by_username(name) is not None:
        raise InvalidInput(_("This username, or one that looks just like it, is taken."), "username")
    check_address(address)
    check_password_strength(password)
    if role not in ROLES:
        raise InvalidInput(_("Unknown role: %(role)s.", role=role))


def register_confirm_first(username: str, email: str, password: str) -> None:
    """Register without telling whether the address is in use (REGISTRATION_CONFIRM_FIRST), the
    caller commits: once every other rule holds, a new address gets its account, unconfirmed, and a
    link to confirm it; an address in use gets a message telling its owner, after as much work as
    an account would have taken. Usernames are public: a taken one is still refused."""
    name, address = usernames.normalise(username), normalise_email(email)
    _check_new_account(name, address, password, MEMBER)
    owner = find_by_email(address)
    if owner is None:
        _add_account(name, address, password, MEMBER, confirmed=False)
        return
    generate_password_hash(password)  # the answer takes as long as when an account is made
    outbox.queue(
        "registration_attempt",
        user=owner,
        locale=_mail_locale(owner),
        login_url=external_url("accounts.login"),
        reset_url=external_url("accounts.request_password_reset"),
    )


def authenticate(login: str, password: str) -> User | None:
    """The account whose username or email is `login`, if the password matches."""
    login = login.strip()
    if not login or len(login) > EMAIL_MAX_LENGTH:
        return None
    user = find_by_email(login) if "@" in login else find_by_username(login)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if current_app.config["REGISTRATION_CONFIRM_FIRST"] and not user.is_confirmed:
        return None  # as for a wrong password: logging in must not tell which addresses have an account
    return user


def login_attempts_key(login: str) -> str:
    """What tries at logging in are counted against, beside the client's address: the account the
    login names however it is typed (name, look-alike, address), else the text itself, so that
    spreading a guessing attack over many addresses does not give it more tries."""
    login = login.strip()[:EMAIL_MAX_LENGTH]
    user = find_by_email(login) if "@" in login else find_by_username(login)
    return f"account:{user.id}" if user is not None else f"login:{login.casefold()}"


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise InvalidInput(_("The current password is wrong."), "current_password")
    check_password_strength(new, "new_password")
    user.password_hash = generate_password_hash(new)


def request_email_change(user: User, password: str, new_email: str) -> str | None:
    """Send a link to the new address; the address changes when it is opened (`confirm_address`).
    Returns the new address, or None when it is the current one."""
    if not check_password_hash(user.password_hash, password):
        raise InvalidInput(_("The current password is wrong."), "password")
    address = normalise_email(new_email)
    if address == user.email:
        return None
    check_address(address)
    _check_address_free(address, user)
    send_address_confirmation(user, address)
    return address


def _check_address_free(address: str, user: User) -> None:
    owner = find_by_email(address)
    if owner is not None and owner.id != user.id:
        raise InvalidInput(_("An account already uses this email address."), "email")


def send_address_confirmation(user: User, address: str | None = None) -> None:
    """Mail `address` (by default the account's own) a link that confirms it as the account's address."""
    address = address or user.email
    outbox.queue(
        "confirm_address",
        user=user,
        to_address=address,
        locale=_mail_locale(user),
        address=address,
        url=external_url("accounts.confirm_address", token=tokens.address_token(user, address)),
        days=tokens.ADDRESS_LINK_DAYS,
    )


def confirm_address(token: str) -> User:
    """Confirm the address a link was sent to, making it the account's address if it was a new one."""
    try:
        user, address = tokens.read_address_token(token)
    except tokens.InvalidLink as error:
        raise InvalidInput(_("This link is invalid, has expired, or was used already.")) from error
    if address != user.email:
        _check_address_free(address, user)
        user.email = address
    elif user.is_confirmed:
        return user
    user.email_confirmed_at = utcnow()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link to the account using `email`, if one does; the answer is the same either way."""
    user = find_by_email(email) if len(email) <= EMAIL_MAX_LENGTH else None
    if user is None or user.is_erased:
        return
    outbox.queue(
        "password_reset",
        user=user,
        locale=_mail_locale(user),
        url=external_url("accounts.reset_password", token=tokens.password_token(user)),
        minutes=tokens.PASSWORD_LINK_SECONDS // 60,
    )


def account_for_reset(token: str) -> User:
    try:
        return tokens.read_password_token(token)
    except tokens.InvalidLink as error:
        raise InvalidInput(_("This link is invalid, has expired, or was used already.")) from error


def reset_password(token: str, new: str) -> User:
    """Set a new password through a reset link, which then stops working. Opening the link proved
    the address the member's own, so it counts as confirmed."""
    user = account_for_reset(token)
    check_password_strength(new)
    user.password_hash = generate_password_hash(new)
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
    return user


def _mail_locale(user: User) -> str | None:
    # A member who never chose a language gets the one they are using the site in.
    return user.locale or (str(get_locale()) if has_request_context() else None)


def set_locale(user: User, locale: str, available: tuple[str, ...]) -> None:
    if locale not in available:
        raise InvalidInput(_("This language is not available."), "locale")
    user.locale = locale
