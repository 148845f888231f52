"""Check-in: scanning and undoing check-ins, arrivals, walk-ins at the door, badges and their layout."""
