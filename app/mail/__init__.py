"""Email: messages written to an outbox with the event they tell of, and sent after the commit."""
