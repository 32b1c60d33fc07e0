"""Every model of the application, imported in one place so that Alembic sees the whole schema."""

from app.accounts.models import User
from app.forum.models import Category, Post, PostRevision, Thread
from app.ideas.models import IdeaVote
from app.insights.models import SearchMiss
from app.mail.models import OutgoingMail
from app.moderation.models import Flag, ModerationAction
from app.notifications.models import EmailPreference, Notification, Subscription
from app.page_cache.models import ContentVersion
from app.reputation.models import Badge, HelpfulMark, ReputationEvent
from app.search.models import SearchOutbox

__all__ = [
    "Badge",
    "Category",
    "ContentVersion",
    "EmailPreference",
    "Flag",
    "HelpfulMark",
    "IdeaVote",
    "ModerationAction",
    "Notification",
    "OutgoingMail",
    "Post",
    "PostRevision",
    "ReputationEvent",
    "SearchMiss",
    "SearchOutbox",
    "Subscription",
    "Thread",
    "User",
]
