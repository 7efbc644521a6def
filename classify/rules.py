"""The classifier's rules as plain frozen data, made from the config sections that hold them
(departments, regions, the organisation's own names, domains and phones). Called once at
start-up by whoever builds the pipeline; the classifier itself only ever sees ClassifyRules."""

from __future__ import annotations

from collections.abc import Sequence

from base.config import Config, DepartmentSettings, OrganisationSettings, RegionSettings
from classify.types import ClassifyRules, DepartmentRule, RegionRule


def classify_rules(organisation: OrganisationSettings, departments: Sequence[DepartmentSettings],
                   regions: Sequence[RegionSettings], default_department: str) -> ClassifyRules:
    """The routing and identity rules classify needs."""
    return ClassifyRules(
        departments=tuple(
            DepartmentRule(key=d.key, title=d.title, assignee=d.assignee,
                           keywords=tuple(d.keywords),
                           regional_assignees=tuple(d.regional_assignees.items()),
                           priority_keywords=tuple(d.priority_keywords))
            for d in departments
        ),
        default_department=default_department,
        regions=tuple(
            RegionRule(r.key, tuple(r.markers), tuple(r.phone_codes), tuple(r.postal_prefixes))
            for r in regions
        ),
        own_domains=tuple(d.lower() for d in organisation.own_domains),
        webform_senders=tuple(s.lower() for s in organisation.webform_senders),
        own_names=(organisation.name, *organisation.own_names),
        own_phones=tuple(p for p in (organisation.phone, *organisation.own_phones,
                                     *(d.phone for d in departments)) if p),
    )


def rules_from_config(config: Config) -> ClassifyRules:
    """``classify_rules`` from the sections of a whole config (the CLI, tests)."""
    return classify_rules(config.organisation, config.departments, config.regions,
                          config.default_department)
