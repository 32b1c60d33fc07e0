"""Each field's length is one number: the size of its column, what its form and its service accept,
and a bound that no setting can raise."""

import pytest
from wtforms.validators import Length

from app import create_app
from app.accounts import services as accounts
from app.accounts import usernames
from app.accounts.forms import ChangeEmailForm, LoginForm, RegisterForm
from app.accounts.models import User
from app.admin import services as admin
from app.config import LENGTH_SETTINGS, DefaultConfig
from app.errors import InvalidInput
from app.forum import services as forum
from app.forum.models import Category, Post, PostRevision, Thread
from app.moderation.log import check_reason
from app.moderation.models import ModerationAction
from app.notifications.models import Notification
from tests.helpers import PASSWORD

# Settings

SETTING_COLUMNS = [
    ("TITLE_MAX_LENGTH", Thread.title),
    ("TITLE_MAX_LENGTH", PostRevision.title),
    ("BODY_MAX_LENGTH", Post.body_source),
    ("BODY_MAX_LENGTH", PostRevision.body_source),
]


def test_every_length_setting_is_bounded_by_its_columns():
    settings = {name for name in vars(DefaultConfig) if name.endswith("_MAX_LENGTH")}
    assert settings == set(LENGTH_SETTINGS) == {setting for setting, _ in SETTING_COLUMNS}


@pytest.mark.parametrize("setting, column", SETTING_COLUMNS)
def test_a_length_setting_is_bounded_by_the_column_that_stores_its_field(setting, column):
    assert LENGTH_SETTINGS[setting] == column.type.length  # None: a text column, unbounded
    assert column.type.length is None or getattr(DefaultConfig, setting) <= column.type.length


@pytest.mark.parametrize("value", ["151", "500"])
def test_a_title_limit_beyond_its_column_stops_the_start(instance_path, monkeypatch, value):
    monkeypatch.setenv("ENTRAIDE_TITLE_MAX_LENGTH", value)
    with pytest.raises(ValueError, match=rf"TITLE_MAX_LENGTH is {value}, .* holds 150 characters"):
        create_app()


def test_a_title_limit_from_the_instance_or_the_tests_is_bounded_too(instance_path):
    with pytest.raises(ValueError, match="TITLE_MAX_LENGTH"):
        create_app({"TITLE_MAX_LENGTH": 151})


@pytest.mark.parametrize("setting", sorted(LENGTH_SETTINGS))
@pytest.mark.parametrize("value", ["0", "-5", "true", "1.5", '"long"'])
def test_a_length_setting_must_be_a_positive_whole_number(instance_path, monkeypatch, setting, value):
    monkeypatch.setenv(f"ENTRAIDE_{setting}", value)
    with pytest.raises(ValueError, match=f"{setting} must be a whole number"):
        create_app()


def test_a_deployment_may_lower_the_title_limit(instance_path, monkeypatch):
    monkeypatch.setenv("ENTRAIDE_TITLE_MAX_LENGTH", "60")
    app = create_app()
    with app.app_context():
        assert forum.check_title("é" * 60) == "é" * 60
        with pytest.raises(InvalidInput, match=r"\b60\b"):
            forum.check_title("é" * 61)


# Columns, services and forms


REASON_COLUMNS = [
    ModerationAction.reason,
    Post.hidden_reason,
    Thread.lock_reason,
    User.suspension_reason,
    Notification.detail,
]


@pytest.mark.parametrize(
    "column, check",
    [
        (User.username, usernames.check),
        (User.email, accounts.check_address),
        (Category.name, admin.check_name),
        (Category.slug, lambda slug: admin.check_slug(slug, "Nom")),
        (Category.description, admin.check_description),
        (Thread.title, forum.check_title),
        *[(column, check_reason) for column in REASON_COLUMNS],
    ],
)
def test_services_accept_what_the_column_holds_and_not_one_character_more(app, column, check):
    check("a" * column.type.length)
    with pytest.raises(InvalidInput):
        check("a" * (column.type.length + 1))


@pytest.mark.parametrize(
    "field, column",
    [
        (RegisterForm.username, User.username),
        (RegisterForm.email, User.email),
        (ChangeEmailForm.email, User.email),
        (LoginForm.login, User.email),
    ],
)
def test_forms_accept_what_the_column_holds(field, column):
    assert [validator.max for validator in field.kwargs["validators"] if isinstance(validator, Length)] == [
        column.type.length
    ]


def test_an_email_address_longer_than_its_column_is_refused(app):
    address = "a" * 250 + "@example.org"
    with pytest.raises(InvalidInput, match=r"\b254\b") as refusal:
        accounts.create_user("Nouvelle", address, PASSWORD)
    assert refusal.value.field == "email"


def test_users_create_command_refuses_an_email_longer_than_its_column(runner):
    address = "a" * 250 + "@example.org"
    result = runner.invoke(args=["users", "create", "Nouvelle", "--email", address, "--password", PASSWORD])
    assert result.exit_code != 0
    assert "254" in result.output
