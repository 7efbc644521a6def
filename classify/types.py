"""Decisions made by classify, as data. ``reasons`` records why (regulation 2.2, 2.3, 3.1, 5)."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("complaint", "claim", "appeal", "suggestion")
DOCUMENTS = ("claim_form", "defect_photos", "label_photos")


@dataclass(frozen=True)
class Applicant:
    """Who the appeal comes from (2.2). ``type``: individual, legal_entity or unknown."""

    type: str = "unknown"
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    organization: str | None = None
    inn: str | None = None
    kpp: str | None = None
    postal_address: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def display_name(self) -> str | None:
        """A human name for logs-free display: organisation, or 'Фамилия Имя Отчество'."""
        if self.organization:
            return self.organization
        parts = [p for p in (self.last_name, self.first_name, self.middle_name) if p]
        return " ".join(parts) or None


@dataclass(frozen=True)
class DepartmentRule:
    """One department's routing: keywords or lemmas that point to it, and who answers it."""

    key: str
    title: str
    assignee: str
    keywords: tuple[str, ...] = ()
    # region -> assignee, for departments whose assignee depends on the region (EGAIS)
    regional_assignees: tuple[tuple[str, str], ...] = ()
    # stems that send an appeal here even when a project is named (staff behaviour, billing)
    priority_keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegionRule:
    key: str
    # words that name the region in addresses and text, and phone landline codes
    markers: tuple[str, ...] = ()
    phone_codes: tuple[str, ...] = ()
    postal_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassifyRules:
    """Everything classify needs from the config, passed in (house style 7)."""

    departments: tuple[DepartmentRule, ...]
    default_department: str = "sales"
    regions: tuple[RegionRule, ...] = ()
    # our own addresses/domains: mail from them is staff (forwards), never the applicant
    own_domains: tuple[str, ...] = ()
    # robot senders of the web form: the applicant is in the form's fields
    webform_senders: tuple[str, ...] = ()
    # the company's own names and phones (E.164): never the applicant's
    own_names: tuple[str, ...] = ()
    own_phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttachmentFinding:
    """What a clerk sees in one attachment (5). ``role``: claim_form, label_photo, defect_photo,
    paper (a scan or photo of some other paper), document, unreadable or other. ``evidence``
    quotes the words (or says what the picture is) that decided it, from ``page``."""

    index: int
    filename: str | None
    role: str
    page: int | None = None
    evidence: str = ""
    organisation: str | None = None
    inn: str | None = None
    kpp: str | None = None
    address: str | None = None
    signer: str | None = None
    defects: tuple[str, ...] = ()
    label_marks: tuple[str, ...] = ()
    image: str | None = None  # e.g. "photo 4032×3024, taken 2026:11:20 14:03:11"
    ocr: bool = False
    unreadable: str | None = None

    @property
    def reason(self) -> str:
        where = f", page {self.page}" if self.page else ""
        said = f": „{self.evidence}“" if self.evidence else ""
        return f"{self.role}: {self.filename or '(unnamed)'}{where}{said}"


@dataclass(frozen=True)
class Classification:
    """The whole decision on one mail; stored with the appeal, reasons included."""

    automated: bool
    kind: str | None = None
    applicant: Applicant = field(default_factory=Applicant)
    anonymous: bool = False
    anonymous_reasons: tuple[str, ...] = ()
    department: str | None = None
    region: str | None = None
    assignee: str | None = None
    quality_claim: bool = False
    missing_documents: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    # what each attachment's content showed (issue 15); empty when attachments were not read
    attachments: tuple[AttachmentFinding, ...] = ()
