"""Pipeline: the driver that takes one mail from the mailbox to the journal and the outbox,
and its wrappers (batches, read-ahead workers, backfill, the daemon loop).
"""
