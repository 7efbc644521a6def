"""Anonymity (2.3): no identification (surname and first name, or an organisation) or no address.

A first name, initials or a job title alone is not identification; a phone is not an address;
a web-form robot's or a no-reply address cannot be answered. Anonymous appeals are still
registered and routed. Pure.
"""

from __future__ import annotations

from classify.types import Applicant


def detect_anonymity(applicant: Applicant) -> tuple[tuple[str, ...], list[str]]:
    """The anonymity reasons (``no_name``, ``no_address``) and why."""
    found: list[str] = []
    why: list[str] = []
    if not (applicant.organization or (applicant.last_name and applicant.first_name)):
        found.append("no_name")
        why.append("anonymous (2.3): no surname + first name and no organisation")
    if not (applicant.postal_address or applicant.email):
        found.append("no_address")
        why.append("anonymous (2.3): no postal address and no e-mail that can be answered")
    return tuple(found), why
