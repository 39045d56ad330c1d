"""`tasking show` for people: a case's whole story in local times, and its story lines (`STORY_LINES`),
which the web's case page shows too.
"""

from __future__ import annotations

from typing import Any

from tasking.reporting.text import day_text, local_text, visible

STORY_LINES = [
    ("follow_ups", "Follow-ups", lambda r: f"{r['follow_up_kind']}: {r['text']}"),
    ("reporter_updates", "Reporter updates", lambda r: f"{r['update_channel']}: {r['text']}"),
    ("powers", "Powers used", lambda r: r["power"]),
    ("referrals", "Referrals", lambda r: r["referral"]),
    ("risk_history", "Risk history", lambda r: r["risk"] + (f" ({r['text']})" if r.get("text") else "")),
    ("corrections", "Corrections", lambda r: f"{r['field']} to {r['value']} ({r['text']})"),
    ("leads", "Lead officers", lambda r: r["lead"]),
    ("closures", "Closures", lambda r: r["close_reason"] + (f" ({r['text']})" if r.get("text") else "")),
    ("reopenings", "Reopenings", lambda r: r["text"]),
    (
        "reassignments",
        "Reassignments",
        lambda r: f"{r['tasking']} to {r['tasked_agency']}" + (f" ({r['owner']})" if r.get("owner") else ""),
    ),
]


def case_text(case: dict[str, Any]) -> str:
    """`tasking show` for people: the case's whole story, local times, and nothing printed as None."""
    if case.get("restricted") and "status" not in case:  # the outline of a restricted case
        return (
            f"{case['case']} (restricted: shown in full only to coordinators and agencies involved)\n"
            f"  area:      {case['area']}\n  received:  {local_text(case['received_at'])}"
        )

    def line(label: str, value: Any) -> str:
        return f"{label:>14}: {value}"

    status = case["status"] + (f" ({case['closed_reason']})" if case.get("closed_reason") else "")
    reporter = case["reporter"] or ("none (anonymous)" if case["feedback"] == "anonymous" else "none")
    gone = case.get("erased", [])
    reporter += " [erased]" if "reporter" in gone else ""
    lines = [
        line("case", case["case"]),
        line("status", status),
        line("lead officer", case.get("lead") or "not assigned"),
        line("received", local_text(case["received_at"])),
        line("occurred", local_text(case["occurred_at"])),
        line("source", f"{case['source']} by {case['channel']}"),
        line("category", case["category"]),
        line("area", case["area"]),
        line("location", case["location"]),
        line("risk", case["risk"]),
        line("reporter", f"{reporter}; feedback: {case['feedback']}"),
    ]
    if case.get("victim"):
        lines.append(line("victim", case["victim"] + (" [erased]" if "victim" in gone else "")))
    lines.append(line("summary", case["summary"]))
    lines.append("")
    lines.append(f"Taskings ({len(case['taskings'])})")
    for t in case["taskings"]:
        done = f", completed {local_text(t['completed_at'])}: {t['result']}" if t.get("completed_at") else ""
        owner = f" ({t['owner']})" if t.get("owner") else ""
        lines.append(
            f"  {t['tasking']} {t['tasked_agency']}{owner} {t['status']}, due {day_text(t['due'])}, raised "
            f"{local_text(t['raised_at'])}: {t['action']}{done}"
        )
    lines.append(f"Links ({len(case['links'])})")
    lines += [f"  {link['to']} ({link['reason']})" for link in case["links"]]
    for key, heading, describe in STORY_LINES:
        rows = case.get(key, [])
        lines.append(f"{heading} ({len(rows)})")
        lines += [f"  {local_text(r['at'])} {r['user']} ({r['agency']}): {describe(r)}" for r in rows]
    return "\n".join(visible(line) for line in lines)
