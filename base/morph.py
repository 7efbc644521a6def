"""The one pymorphy3 analyser of the process (about 20 MB): classify and replies share it."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def morph_analyzer() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()
