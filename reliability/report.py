"""The summary of a run: exactly the figures issue 5 names, a table of scenarios, and
results.json for machines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reliability.result import ScenarioResult


def _sum(results: list[ScenarioResult], key: str, group: str | None = None) -> int:
    return sum(int(r.figures.get(key) or 0) for r in results
               if group is None or r.group == group)


def summarise(results: list[ScenarioResult]) -> dict[str, Any]:
    crashes = _sum(results, "crashes_injected", "crash")
    wire_dups = _sum(results, "duplicate_acks_on_wire", "crash")
    outage = [r for r in results if r.group == "outage" and not r.skipped]
    return {
        "crashes_injected": crashes,
        "crashes_survived": _sum(results, "crashes_survived", "crash"),
        "mails_lost": _sum(results, "mails_lost"),
        "duplicate_appeals": _sum(results, "duplicate_appeals") + _sum(results, "duplicate_registrations"),
        "duplicate_acks_per_crash": round(wire_dups / crashes, 3) if crashes else 0.0,
        "duplicate_acks_on_wire": wire_dups,
        "outage_scenarios_passed": f"{sum(r.passed for r in outage)}/{len(outage)}",
        "hostile_inputs_tried": _sum(results, "hostile_inputs_tried"),
        "fuzz_examples_run": _sum(results, "fuzz_examples_run"),
        "scenarios_passed": f"{sum(r.passed and not r.skipped for r in results)}/"
                            f"{sum(not r.skipped for r in results)}",
    }


def format_table(summary: dict[str, Any], results: list[ScenarioResult]) -> str:
    labels = [("crashes injected", "crashes_injected"), ("crashes survived", "crashes_survived"),
              ("mails lost (must be 0)", "mails_lost"),
              ("duplicate appeals (must be 0)", "duplicate_appeals"),
              ("duplicate acknowledgements per crash", "duplicate_acks_per_crash"),
              ("outage scenarios passed", "outage_scenarios_passed"),
              ("hostile inputs tried", "hostile_inputs_tried"),
              ("fuzz examples run", "fuzz_examples_run"),
              ("scenarios passed", "scenarios_passed")]
    lines = ["", "complaintdesk reliability summary", "-" * 52]
    lines += [f"{label:<40} {summary[key]}" for label, key in labels]
    lines += ["-" * 52, "", f"{'scenario':<74} {'result':<6} {'secs':>6}"]
    for r in results:
        state = "SKIP" if r.skipped else ("PASS" if r.passed else "FAIL")
        lines.append(f"{r.name[:74]:<74} {state:<6} {r.seconds:>6.1f}")
        for problem in ([r.skipped] if r.skipped else r.problems[:3]):
            lines.append(f"    - {problem.splitlines()[0][:150]}")
    return "\n".join(lines)


def write_json(path: Path, summary: dict[str, Any], results: list[ScenarioResult],
               meta: dict[str, Any]) -> None:
    data = {"summary": summary, "meta": meta, "scenarios": [r.as_dict() for r in results]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
