"""Backups of the database, taken while the forum serves, and their restoration into an empty forum."""
