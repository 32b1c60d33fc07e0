"""A member's data: what the forum stores and why, its export, and the erasure of an account."""
