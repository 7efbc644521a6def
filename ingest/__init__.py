"""Ingest: the mailbox edge (IMAP), parsing of raw mail, and content-addressed storage."""
