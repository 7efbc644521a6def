"""Which errors are the service's fault and which a mail's (Mailman's distinction between a
message that cannot be handled and a runner that cannot work).

A *systemic* fault would hit every mail: a template missing or broken, a store that cannot be
written or a full disk, a journal that is down or at an old schema, or one and the same bug
raised for several different mails in a row. It stops the batch: nothing is set aside for it,
nothing is marked done on the server, it is logged once with what to do, and the daemon retries
with backoff; once it is repaired every mail goes through as if nothing happened. Any other
error is the mail's own fault: that mail is set aside with its reason (raw kept).

The guard is pure bookkeeping; pipeline.batch asks it what an error means (issue 9).
"""

from __future__ import annotations

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from base.errors import DaemonError, JournalError, StorageError

# the same error class for this many different mails in a row is the service's, not theirs
STREAK = 3
NOTHING_LOST = "nothing was set aside or marked done; the mail stays on the server and is retried"


class SystemicFault(DaemonError):
    """A fault of the service, not of a mail: stop, keep the mail on the server, retry."""


def is_systemic(exc: BaseException) -> bool:
    """True for errors that would hit every mail whatever it says."""
    if isinstance(exc, IntegrityError):
        return False  # a constraint on this mail's row (e.g. its UID is already recorded)
    return isinstance(exc, (TemplateError, StorageError, JournalError, SQLAlchemyError, OSError))


def what_to_do(exc: BaseException) -> str:
    """One line: the fault and the repair an administrator can make."""
    shown = getattr(exc, "orig", None) or exc  # a driver's error, never the SQL and its data
    text = (str(shown).strip() or type(shown).__name__).splitlines()[0][:200]
    if isinstance(exc, TemplateNotFound):
        return (f"template {text} is missing: put it in templates.path or reinstall the "
                f"package (`complaintdesk check-config` lists the templates); {NOTHING_LOST}")
    if isinstance(exc, TemplateError):
        where = f" line {exc.lineno}" if isinstance(exc, TemplateSyntaxError) else ""
        name = getattr(exc, "name", None) or getattr(exc, "filename", None) or "a template"
        return (f"template {name}{where} is broken ({text}): fix it in templates.path "
                f"(`complaintdesk check-config` shows which); {NOTHING_LOST}")
    if isinstance(exc, (StorageError, OSError)):
        return f"the store cannot be written ({text}): check storage.path; {NOTHING_LOST}"
    if isinstance(exc, (JournalError, SQLAlchemyError)):
        return f"the journal failed ({type(shown).__name__}: {text}): check database.url; " \
               f"{NOTHING_LOST}"
    return f"{type(exc).__name__} ({text}) for {STREAK} different mails in a row: a fault of " \
           f"the service, report it; {NOTHING_LOST}"


class FaultGuard:
    """Tells a mail's fault from the service's over a run of mails.

    ``judge`` is called with each mail's unexpected error: a SystemicFault when the error is
    systemic by kind or closes a streak, else None (set that mail aside). While a streak is
    open, the batch holding its mails must not commit (``open``), so a streak that turns out
    systemic can still be rolled back whole."""

    def __init__(self, streak: int = STREAK) -> None:
        self.streak = max(1, streak)
        self._kind: type[BaseException] | None = None
        self._count = 0

    @property
    def open(self) -> bool:
        return self._count > 0

    def succeeded(self) -> None:
        self._kind, self._count = None, 0

    def judge(self, exc: BaseException) -> SystemicFault | None:
        if is_systemic(exc):
            self.succeeded()
            return SystemicFault(what_to_do(exc))
        if type(exc) is self._kind:
            self._count += 1
        else:
            self._kind, self._count = type(exc), 1
        if self._count >= self.streak:
            self.succeeded()
            return SystemicFault(what_to_do(exc))
        return None


def as_systemic(exc: BaseException) -> SystemicFault | None:
    """A systemic error raised outside the mail loop (e.g. rendering the digest) as a fault."""
    return SystemicFault(what_to_do(exc)) if is_systemic(exc) else None
