"""Classify: pure functions that read a parsed mail the way a careful clerk would.

No IMAP, SMTP, database, clock or config file access here: rules come in as data.
The one entry point is ``classify_message``; it has no catch-all: a bug raises, the fuzz tests
catch it, and in production the runner (pipeline.batch) sets the mail aside with its reason.
"""

from __future__ import annotations

import logging

from classify.anonymity import detect_anonymity
from classify.attachments import fill_from_claim, read_attachments
from classify.automated import detect_automated
from classify.documents import missing_documents, missing_documents_text
from classify.given import GIVEN_REASON, GivenFields, apply_chosen_project
from classify.identity import Sender, extract_applicant
from classify.latin import acronyms_to_cyrillic, is_translit, to_cyrillic
from classify.kind import decide_kind, is_quality_claim
from classify.quotes import Reading, is_own_address, read_own_text, subject_as_text
from classify.routing import route_appeal
from classify.types import AttachmentFinding, Classification, ClassifyRules
from classify.webform import WebForm, read_webform
from ingest.types import ExtractedAttachment, ParsedMessage

__all__ = ["classify_message", "missing_documents_text"]

log = logging.getLogger(__name__)


def classify_message(parsed: ParsedMessage, rules: ClassifyRules, as_appeal: bool = False,
                     extracted: tuple[ExtractedAttachment, ...] = (),
                     given: GivenFields | None = None) -> Classification:
    """The whole decision on one mail, with reasons. ``as_appeal`` reads it as an appeal even
    when it looks automated (staff overruled the automatic verdict); ``extracted`` is what
    ingest.extract read out of the attachments (issue 15); ``given``: the public form's fields
    state the applicant and the project (issue 13). Any mail is an input it decides on; an
    exception is a bug, left to surface (tests, and the runner that sets the mail aside with
    it)."""
    verdict = detect_automated(parsed, rules.webform_senders)
    if verdict.automated and not as_appeal:
        return Classification(automated=True, reasons=(verdict.reason,))
    return _classify_appeal(parsed, rules, (verdict.reason,), extracted, given)


def _classify_appeal(parsed: ParsedMessage, rules: ClassifyRules, reasons: tuple[str, ...],
                     extracted: tuple[ExtractedAttachment, ...] = (),
                     given: GivenFields | None = None) -> Classification:
    reading, sender, form = _what_to_read(parsed, rules)
    in_subject = subject_as_text(parsed.subject, reading.text) if form is None else None
    if given is None:
        applicant, who = extract_applicant(in_subject or reading.text, sender, rules, form)
    else:  # the public form (issue 13): the fields are the applicant, not a guess
        applicant, who = given.applicant, [GIVEN_REASON]
    findings = read_attachments(extracted, rules)
    claim_text, claim_why = _claim_documents(findings, extracted)
    if claim_text and given is None:
        applicant, filled = fill_from_claim(applicant, reading.text, claim_text, rules)
        who = [*who, *filled]
    anonymous, anon_why = detect_anonymity(applicant)
    subject, text, script_why = _in_cyrillic(reading.subject or parsed.subject,
                                             f"{reading.text}\n{reading.earlier}\n{claim_text}".strip())
    kind, kind_why = decide_kind(subject, text)
    quality, quality_why = is_quality_claim(kind, subject, text)
    missing, docs_why = missing_documents(parsed.attachments, reading.text, findings) if quality else ((), [])
    route = route_appeal(acronyms_to_cyrillic(subject), acronyms_to_cyrillic(text), kind, quality,
                         applicant.postal_address, rules, applicant.phone)
    subject_why = ("body empty or trivial: the subject read as the text",) if in_subject else ()
    decision = Classification(
        automated=False, kind=kind, applicant=applicant, anonymous=bool(anonymous),
        anonymous_reasons=anonymous, department=route.department, region=route.region,
        assignee=route.assignee, quality_claim=quality, missing_documents=missing,
        reasons=(*reasons, reading.reason, *subject_why, *who, *anon_why, *script_why, *claim_why,
                 kind_why, quality_why, *docs_why, *route.reasons),
        attachments=findings,
    )
    return decision if given is None else apply_chosen_project(decision, given, subject, text, rules)


def _claim_documents(findings: tuple[AttachmentFinding, ...],
                     extracted: tuple[ExtractedAttachment, ...]) -> tuple[str, tuple[str, ...]]:
    """The text of the attached claims (read with the mail for kind, quality and identity)."""
    texts = {x.index: x.text for x in extracted}
    claims = [f for f in findings if f.role == "claim_form"]
    why = tuple(f"attachment read as the claim: {f.reason}" for f in claims[:3])
    return "\n".join(texts.get(f.index, "") for f in claims[:3]), why


def _in_cyrillic(subject: str, text: str) -> tuple[str, str, tuple[str, ...]]:
    """Russian typed in Latin letters is read in Cyrillic for kind and routing (names stay as written)."""
    if not is_translit(f"{subject}\n{text}"):
        return subject, text, ()
    return to_cyrillic(subject), to_cyrillic(text), ("Russian in Latin letters: kind and routing read it in Cyrillic",)


def _what_to_read(parsed: ParsedMessage, rules: ClassifyRules) -> tuple[Reading, Sender, WebForm | None]:
    address = (parsed.from_address or "").lower()
    if address in rules.webform_senders:
        form = read_webform(parsed.text, parsed.html)
        reading = read_own_text(form.message, None, ())
        reading = Reading(text=reading.text, earlier=reading.earlier, reason=f"web-form relay from {address}: reading its fields")
        return reading, Sender(None, form.email, robot=True), form
    reading = read_own_text(parsed.text, address, rules.own_domains)
    if reading.staff_forward:
        return reading, Sender(reading.sender_name, reading.sender_email), None
    attached = _attached_customer_mail(parsed, rules)
    if attached is not None:
        return attached
    return reading, Sender(parsed.from_name, address or None), None


def _attached_customer_mail(parsed: ParsedMessage, rules: ClassifyRules) -> tuple[Reading, Sender, None] | None:
    """A staff member forwarding the customer's mail as an attachment (message/rfc822)."""
    if not is_own_address(parsed.from_address, rules.own_domains):
        return None
    for inner in parsed.forwarded:
        if not is_own_address(inner.from_address, rules.own_domains):
            reading = read_own_text(inner.text, inner.from_address, rules.own_domains)
            why = f"staff forward as attachment from {parsed.from_address}: reading the customer's mail"
            return Reading(text=reading.text, earlier=reading.earlier, staff_forward=True, reason=why,
                           subject=inner.subject or None), \
                Sender(inner.from_name, inner.from_address), None
    return None
