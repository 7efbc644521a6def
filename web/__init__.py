"""The staff desk in a browser (issue 12) and the public appeal form (issue 13)."""
