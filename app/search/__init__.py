"""Full-text search of the visible posts, by Whoosh or PostgreSQL, kept in step with the database."""
