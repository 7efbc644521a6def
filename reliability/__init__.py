"""The reliability harness of issue 5: crashes, outages, floods, hostile input, fuzzing, secrets.

Run ``make reliability`` (full) or ``python reliability/run.py --quick`` (reduced, for CI). Every
scenario drives the real service (the ``complaintdesk run`` daemon as a subprocess, or the real
flow in-process) against real loopback servers from ``tests/servers.py`` and returns a
``ScenarioResult``; ``report.py`` turns them into the summary table and ``results.json``.
"""
