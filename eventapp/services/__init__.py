"""Domain rules as plain functions: they take the session, the acting user and `now`, and never commit."""
