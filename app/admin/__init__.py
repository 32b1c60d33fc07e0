"""Administration: categories and staff roles."""
