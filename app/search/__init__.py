"""Full-text search: a Whoosh index of visible posts, kept in step with the database by an outbox."""
