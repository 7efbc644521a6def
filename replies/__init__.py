"""Replies: rendering outbound mail from templates, the outbox, and the SMTP edge."""
