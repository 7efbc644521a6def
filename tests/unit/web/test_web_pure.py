"""Pure parts of the web desk: the rate limiter, the security headers, the mail cleaner and
the lemmas of the search."""

from __future__ import annotations

import nh3  # noqa: F401  (the cleaner under test is built on it)

from journal.search import lemmas_of
from web.mailview import clean_html
from web.ratelimit import RateLimiter
from web.security import frame_ancestors, security_headers


def test_rate_limiter_allows_limit_per_window_and_recovers() -> None:
    limiter = RateLimiter(3, 60)
    assert [limiter.hit("a", t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.hit("b", 3)  # other keys are not affected
    assert not limiter.hit("a", 59.9)
    assert limiter.hit("a", 60.5)  # the first hit left the window


def test_staff_pages_are_never_framed_the_form_may_be() -> None:
    assert frame_ancestors("/", ["https://site.example"]) == "'none'"
    assert frame_ancestors("/appeals/1/2026", []) == "'none'"
    assert frame_ancestors("/appeal", []) == "'self'"
    assert frame_ancestors("/appeal/sent", ["https://site.example"]) == \
        "'self' https://site.example"
    assert frame_ancestors("/appeals", ["https://site.example"]) == "'none'"
    staff = dict(security_headers("/", []))
    assert staff[b"x-frame-options"] == b"DENY"
    assert b"frame-ancestors 'none'" in staff[b"content-security-policy"]
    assert b"unsafe-inline" not in staff[b"content-security-policy"]
    assert staff[b"x-content-type-options"] == b"nosniff"
    form = dict(security_headers("/appeal", ["https://site.example"]))
    assert b"x-frame-options" not in form
    assert b"frame-ancestors 'self' https://site.example" in form[b"content-security-policy"]


def test_clean_html_runs_and_loads_nothing() -> None:
    dirty = ('<p onclick="x()" style="background:url(http://e/x)">Текст<script>alert(1)</script>'
             '<img src="http://e/t.png" onerror="alert(2)"><a href="javascript:alert(3)">жми</a>'
             '<a href="https://e.example/a?b=1&c=2">сайт</a><iframe src="http://e/"></iframe>'
             '<form action="http://e/"><input name="x"></form><svg onload="alert(4)"></svg>'
             '<style>p{}</style></p>')
    clean = clean_html(dirty)
    for bad in ("<script", "alert", "<img", "<a", "<iframe", "<form", "<input", "<svg", "style",
                "onclick", "javascript:", "http://e/"):
        assert bad not in clean, bad
    assert "Текст" in clean and "жми" in clean
    assert "сайт <span class=\"link\">[https://e.example/a?b=1&amp;c=2]</span>" in clean


def test_lemmas_match_word_forms() -> None:
    assert lemmas_of("претензией")[0] == lemmas_of("претензия")[0]
    assert set(lemmas_of("Ёлки, менеджером")) == set(lemmas_of("елка менеджер"))
    assert lemmas_of("17/2026 УТМ") == ["17", "2026", "утм"]
    assert lemmas_of("", None) == []
