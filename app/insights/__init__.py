"""Insights: the figures the brand learns from its community (answer rate, time to answer, what
members search for and do not find), never data about a person. Staff only."""
