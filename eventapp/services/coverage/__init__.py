"""Coverage: which tracks the sectors cover, the coverage report, delegation requests, reminders and their wording."""
