"""Documents: summaries and the summary pack, uploads and their PDF safety checks, spreadsheets and calendar files."""
