"""Accounts: registration, login, settings and profiles."""
