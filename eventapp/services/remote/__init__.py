"""Remote presence: personal join links to the meeting, and who joined (or was marked present)."""
