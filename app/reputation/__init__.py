"""Reputation: helpful marks, solutions, the ledger, ranks, badges and the leaderboard."""
