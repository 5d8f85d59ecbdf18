"""Static ``report.html`` for a run directory: summaries, tables and figures of every experiment."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fairbid.core.rundir import RunDir, read_parquet

MAX_ROWS = 25

_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{border-bottom:2px solid #444} h2{margin-top:2em;border-bottom:1px solid #bbb}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.85em}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:right} th{background:#f0f0f0}
img{max-width:100%;border:1px solid #ddd;margin:.5em 0} .failed{color:#b00}
.meta{color:#666;font-size:.85em;overflow-wrap:anywhere} .wide{overflow-x:auto} pre{background:#f6f6f6;padding:.5em;overflow-x:auto}
"""


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x) for x in v[:12]) + (", …" if len(v) > 12 else "") + "]"
    if isinstance(v, dict):
        return html.escape(json.dumps(v)[:300])
    return html.escape(str(v))


def table_html(columns: dict[str, list], max_rows: int = MAX_ROWS) -> str:
    """Render a column dict as an HTML table (first ``max_rows`` rows)."""
    names = list(columns)
    n = len(columns[names[0]]) if names else 0
    head = "".join(f"<th>{html.escape(c)}</th>" for c in names)
    rows = []
    for i in range(min(n, max_rows)):
        rows.append("<tr>" + "".join(f"<td>{_fmt(columns[c][i])}</td>" for c in names) + "</tr>")
    more = f"<p class=meta>{n - max_rows} more rows in the Parquet file.</p>" if n > max_rows else ""
    return f"<div class=wide><table><tr>{head}</tr>{''.join(rows)}</table></div>{more}"


def summary_html(summary: dict[str, Any]) -> str:
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_fmt(v)}</td></tr>" for k, v in summary.items())
    return f"<table>{rows}</table>"


def experiment_section(rd: RunDir, title: str, description: str) -> str:
    """HTML section for one experiment directory."""
    parts = [f"<h2>{html.escape(title)}</h2>", f"<p class=meta>{html.escape(rd.path.name)}</p>"]
    if description:
        parts.append(f"<p>{html.escape(description)}</p>")
    done, failed = rd.path / "done.json", rd.path / "failed.json"
    if done.exists():
        rec = json.loads(done.read_text())
        parts.append(f"<p class=meta>finished in {rec['seconds']:.1f} s</p>")
        parts.append(summary_html(rec.get("summary", {})))
    elif failed.exists():
        rec = json.loads(failed.read_text())
        parts.append(f"<p class=failed>failed: {html.escape(rec['summary'].get('error', ''))}</p>")
    else:
        parts.append("<p class=failed>not run (resume the run directory to finish it)</p>")
    notes = rd.path / "notes.html"
    if notes.exists():
        parts.append(notes.read_text())
    for fig in rd.figures():
        rel = fig.relative_to(rd.path.parent)
        parts.append(f"<figure><img src='{html.escape(str(rel))}' alt='{fig.stem}'>"
                     f"<figcaption class=meta>{html.escape(fig.stem)}</figcaption></figure>")
    for tab in rd.tables():
        parts.append(f"<h3>{html.escape(tab.stem)}</h3>")
        parts.append(table_html(read_parquet(tab)))
    return "\n".join(parts)


def catalog_html(subpackages: set[str]) -> str:
    """The registry's entries for ``subpackages`` as an HTML table: what is implemented and what is checked."""
    from fairbid.core.registry import SUBPACKAGES, load_catalog

    subs = tuple(s for s in SUBPACKAGES if s in subpackages)
    if not subs:
        return ""
    rows = []
    for e in load_catalog(subs).values():
        claims = "<br>".join(
            f"{'' if c.holds else 'not '}{html.escape(c.prop)} <span class=meta>({html.escape(c.test)})</span>"
            for c in e.claims
        )
        rows.append(f"<tr><td>{html.escape(e.name)}</td><td>{html.escape(e.kind)}</td><td>{html.escape(e.seed)}</td>"
                    f"<td>{html.escape(e.title)}</td><td>{claims}</td></tr>")
    return ("<section id='registry'><h2>Registry: mechanisms, models and the tests behind their claims</h2>"
            "<table><tr><th>name</th><th>kind</th><th>seed</th><th>title</th><th>claims (test)</th></tr>"
            + "".join(rows) + "</table></section>")


def write_report(rd: RunDir, registry: dict, selected: Sequence[str]) -> Path:
    """Write ``report.html`` into ``rd`` covering ``selected`` experiments; return its path."""
    cfg = rd.read_json("config.json") if (rd.path / "config.json").exists() else {}
    versions = rd.read_json("versions.json") if (rd.path / "versions.json").exists() else {}
    body = [f"<h1>fairbid reproduce — {html.escape(rd.path.name)}</h1>",
            f"<p class=meta>config: {html.escape(json.dumps(cfg))}<br>versions: "
            f"{html.escape(', '.join(f'{k} {v}' for k, v in versions.items()))}</p>",
            "<ul>" + "".join(f"<li><a href='#{n}'>{html.escape(registry[n].title)}</a></li>"
                             for n in selected) + "</ul>"]
    for name in selected:
        exp = registry[name]
        body.append(f"<section id='{name}'>{experiment_section(rd.sub(name), exp.title, exp.description)}"
                    "</section>")
    body.append(catalog_html({registry[n].system for n in selected}))
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>fairbid report</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>")
    return rd.write_text("report.html", page)


def write_run_report(rd: RunDir, title: str, summary: dict[str, Any] | None = None) -> Path:
    """Write ``summary.json`` and a short ``report.html`` (summary, tables, figures) for a single-command run.

    CLI commands given ``--out`` call this last, so every run directory carries its own report.
    """
    from fairbid.core.rundir import to_jsonable

    if summary is not None:
        rd.write_json("summary.json", to_jsonable(summary))
    cfg = rd.read_json("config.json") if (rd.path / "config.json").exists() else {}
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p class=meta>config: {html.escape(json.dumps(cfg))}</p>"]
    if summary:
        flat = {k: v for k, v in to_jsonable(summary).items() if not isinstance(v, (dict, list)) or len(str(v)) < 300}
        parts.append(summary_html(flat))
    for fig in rd.figures():
        rel = fig.relative_to(rd.path)
        parts.append(f"<figure><img src='{html.escape(str(rel))}' alt='{fig.stem}'>"
                     f"<figcaption class=meta>{html.escape(fig.stem)}</figcaption></figure>")
    for tab in rd.tables():
        parts.append(f"<h3>{html.escape(tab.stem)}</h3>")
        parts.append(table_html(read_parquet(tab)))
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")
    return rd.write_text("report.html", page)
