"""The web front end: the staff desk (issue 12) and the public appeal form (issue 13)."""
