"""Ideas: members vote for the ideas of an ideas category, and staff say what became of each."""
