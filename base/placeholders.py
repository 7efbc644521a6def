"""Values in a valid config that are still placeholders (the director's name that signs every
answer, 3.9; the default organisation; example domains): one warning line each, naming the key.
Pure: the config in, lines out."""

from __future__ import annotations

import re

from base.config import PLACEHOLDER_DIRECTOR, PLACEHOLDER_ORGANISATION, Config

# RFC 2606 / 6761 names that never belong to a real branch
_EXAMPLE = re.compile(r"(?:^|[@.])(example\.(?:com|org|net|ru)|example|invalid|test|localhost)"
                      r"(?:$|[>\s])", re.I)


def placeholder_warnings(config: Config) -> list[str]:
    """One line per key whose value is still a placeholder."""
    org = config.organisation
    found = []
    if org.director.name.strip() in ("", PLACEHOLDER_DIRECTOR):
        found.append(f"organisation.director.name: still the placeholder {org.director.name!r}; "
                     "every answer is signed with it (regulation 3.9)")
    if org.name.strip() in ("", PLACEHOLDER_ORGANISATION):
        found.append(f"organisation.name: still the placeholder {org.name!r}")
    if not org.branch.strip():
        found.append("organisation.branch: not set (the acknowledgement names the branch)")
    for key, value in _addresses(config):
        if _EXAMPLE.search(value):
            found.append(f"{key}: {value!r} is an example address or domain")
    return found


def _addresses(config: Config) -> list[tuple[str, str]]:
    org = config.organisation
    pairs = [("smtp.sender", config.smtp.sender), ("organisation.website", org.website or ""),
             ("digest.all_appeals_to", config.digest.all_appeals_to or "")]
    pairs += [(f"organisation.own_domains.{i}", d) for i, d in enumerate(org.own_domains)]
    pairs += [(f"organisation.webform_senders.{i}", d) for i, d in enumerate(org.webform_senders)]
    pairs += [(f"people.{i}.email", p.email or "") for i, p in enumerate(config.people)]
    pairs += [(f"departments.{d.key}.email", d.email or "") for d in config.departments]
    return [(k, v) for k, v in pairs if v]
