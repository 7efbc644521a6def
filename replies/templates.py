"""Reply templates and their front-matter: which exist, what each needs, what it does. Pure.

A reply template is ``templates/<name>.ru.txt.j2`` (plain text, always sent), optionally with
``templates/<name>.ru.html.j2`` (an HTML alternative, autoescaped). It opens with a front-matter
comment in YAML that says what it needs and what it does (templates/README.md documents it)::

    {# complaintdesk
    description: Запрос недостающих документов (3.3, 5)
    status: waiting_for_client      # the appeal's status once the mail is queued; null: unchanged
    signed: true                    # the director's signature block must be in it (3.9)
    fields:                         # must be given with --set name=value
      documents: what to send, items separated by «;»
    optional:                       # may be given; "" otherwise
      comment: a paragraph added after the list
    needs_earlier_answers: false    # true: refuse unless answers were sent before (2.4)
    #}

Text templates without the front-matter (the acknowledgement, the digest) are not reply
templates: the daemon renders them itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from jinja2 import Environment, TemplateError, TemplateNotFound, meta, nodes

from base.errors import ReplyError
from journal.models import CLOSED, REGISTERED, STATUSES

TEXT_SUFFIX = ".ru.txt.j2"
HTML_SUFFIX = ".ru.html.j2"
_FRONT = re.compile(r"\A\s*\{#-?\s*complaintdesk[ \t]*\n(.*?)-?#\}", re.S)
# what every template may use without declaring it
CONTEXT_NAMES = frozenset({
    "salutation", "number", "received_date", "due_date", "today", "subject", "applicant",
    "department_title", "assignee", "organisation", "director", "measures", "missing_documents",
    "earlier_replies", "earlier_answers", "earlier_appeal", "deadline_days",
})


@dataclass(frozen=True)
class ReplyTemplate:
    """A reply template's front-matter."""

    name: str
    description: str = ""
    status: str | None = None
    signed: bool = True
    fields: tuple[tuple[str, str], ...] = ()  # (name, what to give) that --set must give
    optional: tuple[tuple[str, str], ...] = ()
    needs_earlier_answers: bool = False
    has_html: bool = False

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)


def list_templates(env: Environment) -> list[ReplyTemplate]:
    """Every usable reply template in the folder, by name (broken ones are left out)."""
    return scan_templates(env)[0]


def scan_templates(env: Environment) -> tuple[list[ReplyTemplate], list[str]]:
    """The reply templates (text templates with a front-matter), and what is wrong with those
    that cannot be used, so that one bad file dropped in by staff does not stop the others."""
    names = env.list_templates(filter_func=lambda n: n.endswith(TEXT_SUFFIX) and "/" not in n
                               and not n.startswith("_"))
    found, problems = [], []
    for name in sorted(names):
        if not _FRONT.match(_source(env, name)):
            continue
        try:
            found.append(load_template(env, name[: -len(TEXT_SUFFIX)]))
        except ReplyError as exc:
            problems.append(str(exc))
    return found, problems


def load_template(env: Environment, name: str) -> ReplyTemplate:
    """The front-matter of template ``name``; ReplyError when it is unknown or malformed."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", name):
        raise ReplyError(f"bad template name {name!r}")
    try:
        source = _source(env, name + TEXT_SUFFIX)
    except TemplateNotFound:
        known = ", ".join(t.name for t in list_templates(env)) or "none"
        raise ReplyError(f"no template {name!r} (available: {known})") from None
    match = _FRONT.match(source)
    if not match:
        raise ReplyError(f"template {name!r} has no complaintdesk front-matter, so it is not a "
                         "reply template (see templates/README.md)")
    template = _parse_front(name, match.group(1), name + HTML_SUFFIX in env.list_templates())
    _check_variables(env, template)
    return template


def _parse_front(name: str, text: str, has_html: bool) -> ReplyTemplate:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ReplyError(f"template {name!r}: front-matter is not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ReplyError(f"template {name!r}: front-matter must be a mapping")
    unknown = set(data) - {"description", "status", "signed", "fields", "optional",
                           "needs_earlier_answers"}
    if unknown:
        raise ReplyError(f"template {name!r}: unknown front-matter key {sorted(unknown)[0]!r}")
    status = data.get("status")
    if status is not None and (status not in STATUSES or status in (REGISTERED, CLOSED)):
        raise ReplyError(f"template {name!r}: status {status!r} is not one a reply can move "
                         "an appeal to (closing needs `complaintdesk close`)")
    return ReplyTemplate(
        name=name, description=str(data.get("description") or ""), status=status,
        signed=bool(data.get("signed", True)), fields=_field_list(name, data.get("fields")),
        optional=_field_list(name, data.get("optional")),
        needs_earlier_answers=bool(data.get("needs_earlier_answers", False)), has_html=has_html,
    )


def _field_list(name: str, value: object) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ReplyError(f"template {name!r}: fields must map each name to what to give")
    for key in value:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(key)) or key in CONTEXT_NAMES:
            raise ReplyError(f"template {name!r}: {key!r} cannot be a field name")
    return tuple((str(k), str(v or "")) for k, v in value.items())


def _check_variables(env: Environment, template: ReplyTemplate) -> None:
    """Every variable a template uses must be given by the context or declared as a field."""
    declared = CONTEXT_NAMES | {n for n, _ in (*template.fields, *template.optional)}
    suffixes = (TEXT_SUFFIX, HTML_SUFFIX) if template.has_html else (TEXT_SUFFIX,)
    for suffix in suffixes:
        try:
            tree = env.parse(_source(env, template.name + suffix))
        except TemplateError as exc:
            raise ReplyError(f"template {template.name + suffix}: {exc}") from exc
        extra = sorted(meta.find_undeclared_variables(tree) - declared - set(env.globals)
                       - _imported(tree))
        if extra:
            raise ReplyError(f"template {template.name + suffix} uses {extra[0]!r}, which is "
                             "neither in the context nor declared in its front-matter fields")


def _imported(tree: nodes.Template) -> set[str]:
    """Names a template binds itself ({% import %} in a child template reaches its blocks)."""
    names = {n.target for n in tree.find_all(nodes.Import)}
    for node in tree.find_all(nodes.FromImport):
        names |= {n if isinstance(n, str) else n[1] for n in node.names}
    return names


def _source(env: Environment, name: str) -> str:
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]
