"""Feedback after an event: who is asked and when, the anonymous answers, and their results."""
