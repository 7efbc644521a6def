"""What repeat detection (2.4) compares, read from a new appeal: the normalised applicant and
the lemmas of the writer's own words (quoted history and signature off). Pure; the journal
stores both with the appeal and compares them with ``similarity``."""

from __future__ import annotations

from classify.identity import signature_start
from classify.quotes import read_own_text
from classify.similarity import applicant_key, lemma_set, similarity
from classify.types import Applicant

__all__ = ["prepare_repeat_fields", "similarity"]


def prepare_repeat_fields(appeal_text: str, applicant: Applicant) -> tuple[str | None, str]:
    """(applicant_key, lemmas) to store on a new appeal: the normalised applicant and the
    space-joined sorted lemmas of the writer's own words."""
    own = read_own_text(appeal_text, None, ()).text
    lines = own.splitlines()
    body = "\n".join(lines[:signature_start(lines)]) or own
    return applicant_key(applicant), " ".join(sorted(lemma_set(body)))
