"""complaintdesk: runs a complaints mailbox the way the branch's regulation says it must be run."""

__version__ = "0.1.0"
