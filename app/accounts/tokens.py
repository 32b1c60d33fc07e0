"""The signed links of account emails: confirming an address, resetting a password.

Each says what it is for (its salt), whom it is for, and the state of the account it was made
against, so that a link stops working once used: an address confirmed or changed since, a password
changed since. Nothing about them is stored."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.models import User
from app.extensions import db

ADDRESS_LINK_DAYS = 7
PASSWORD_LINK_SECONDS = 3600


class InvalidLink(Exception):
    """A link that was tampered with, has expired, or was used already."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"entraide-{purpose}")


def address_token(user: User, address: str) -> str:
    """A link proving that whoever opens it reads `address`: confirming it as `user`'s address."""
    return _serializer("address").dumps({"user": user.id, "address": address, "was": user.email})


def read_address_token(token: str) -> tuple[User, str]:
    """The account and the address a confirmation link is for. A link made before the account's
    address changed confirms nothing."""
    data = _load("address", token, ADDRESS_LINK_DAYS * 24 * 3600)
    user = _live_account(data.get("user"))
    if user.email != data.get("was"):
        raise InvalidLink
    return user, data["address"]


def password_token(user: User) -> str:
    return _serializer("password").dumps({"user": user.id, "hash": _fingerprint(user.password_hash)})


def read_password_token(token: str) -> User:
    """The account a reset link is for; a link made before the password last changed resets nothing."""
    data = _load("password", token, PASSWORD_LINK_SECONDS)
    user = _live_account(data.get("user"))
    if data.get("hash") != _fingerprint(user.password_hash):
        raise InvalidLink
    return user


def _load(purpose: str, token: str, max_age: int) -> dict:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature as error:  # SignatureExpired included
        raise InvalidLink from error
    if not isinstance(data, dict):
        raise InvalidLink
    return data


def _live_account(user_id) -> User:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.is_erased:
        raise InvalidLink
    return user


def _fingerprint(password_hash: str) -> str:
    # Enough of a digest to tell two hashes apart, without putting the hash itself in a link.
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]
