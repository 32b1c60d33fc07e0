"""Notifications and the threads members watch."""
