"""Operations: what staff do, one function each, for every front end (the CLI, the web desk).

Each operation takes an ``OpsContext`` (operations.context: the journal's transactions, the
templates, the clock and the config sections it reads), typed input and, when it changes
something, the ``actor``; it does its work in one transaction and returns a result (a frozen
dataclass, a dict of a view, or a plain value) or raises a DaemonError subclass whose message
is fit to show (NotFoundError, TransitionError, ReplyError, RegisterError, PeriodError).
Front ends only parse input, call, and show the result: no SQL, no sessions, no rules.

    operations.appeals   set_status, assign, escalate, close, add_measure, complete_measure,
                         list_measures, list_appeals, show_appeal
    operations.replies   preview_reply, queue_reply, list_templates, template_files
    operations.aside     list_set_aside, register_aside
    operations.reports   due, report, export, preview_digest, queue_digest
    operations.admin     purge_cutoff, purge, migrate

Operations may import pipeline (register-aside registers a mail as the pipeline does, the
digest is queued as the daemon does) and everything below it; nothing below imports them.
"""
