"""Pipeline: the driver that takes one mail from the mailbox to the journal and the outbox
(flow), and its parts and wrappers: deps (what the steps get), analysis (parse → classify in
worker processes, read-ahead), record (store → record one mail), batch (transactions and the
one broad except), mailbox (where to start, marking done), poll (every mailbox, the outbox),
backfill, daemon, digest, faults, preflight, inspect.
"""
