"""What the public form's fields state outright (issue 13): the applicant and the project chosen.

A mail's applicant is read from its headers, text and signature; a form's applicant is exactly
what was typed into its fields (2.2), and anonymity (2.3) follows from those alone. The subject
chosen on the form names the project, so it decides the department, except that staff behaviour
and billing (a department's ``priority_keywords``) go where they always go. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from classify.latin import acronyms_to_cyrillic
from classify.routing import priority_department
from classify.types import Applicant, Classification, ClassifyRules

GIVEN_REASON = "applicant from the web form's fields (2.2), not read from the text"


@dataclass(frozen=True)
class GivenFields:
    """The form's applicant, and the department (and region) of the project chosen, if any."""

    applicant: Applicant
    department: str | None = None
    region: str | None = None


def apply_chosen_project(decision: Classification, given: GivenFields, subject: str, text: str,
                         rules: ClassifyRules) -> Classification:
    """The routing of ``decision`` with the chosen project put first (see the module text)."""
    rule = next((r for r in rules.departments if r.key == given.department), None)
    if rule is None:
        return decision
    priority = priority_department(acronyms_to_cyrillic(subject), acronyms_to_cyrillic(text), rules)
    if priority is not None and priority[0] != rule.key:
        why = f"project {rule.key} chosen on the form, but {priority[1]}"
        return replace(decision, reasons=(*decision.reasons, why))
    region = given.region or decision.region
    assignee = dict(rule.regional_assignees).get(region or "", rule.assignee)
    why = (f"department {rule.key}: chosen on the web form"
           + (f", region {region}" if region else "") + f"; assignee {assignee}")
    return replace(decision, department=rule.key, region=region, assignee=assignee,
                   reasons=(*decision.reasons, why))
