"""Moderation: flags, the queue, staff actions and the public log."""
