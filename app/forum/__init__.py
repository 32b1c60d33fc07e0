"""The forum itself: categories, threads and posts."""
