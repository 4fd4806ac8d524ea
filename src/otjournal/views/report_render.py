"""The report's blocks as Markdown, as one self-contained HTML page (printed on A4, a
goal's heading kept on the page of its chart) or as JSON data (the same content)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otjournal.views.report import Block


def _flat(blocks: Sequence[Block]) -> list[Block]:
    """The blocks with each ``keep`` group opened (for text, where pages do not exist)."""
    out: list[Block] = []
    for b in blocks:
        out += _flat(b.items) if b.kind == "keep" else [b]
    return out


# -- Markdown ---------------------------------------------------------------------


def _md(text: str, indent: str = "", *, at_line_start: bool = False) -> str:
    """Text shown as written: note text may hold Markdown or HTML (``<script>``, ``**``),
    which a Markdown viewer would otherwise obey (the escaping ``show --format md`` uses)."""
    from otjournal.views.printout import md_text

    return md_text(text, indent, at_line_start=at_line_start)


def _md_cell(text: str) -> str:
    from otjournal.views.report import BLANK, SIGNATURE

    if text in (BLANK, SIGNATURE):  # the tool's own marks, to be filled in: as they are
        return text
    return _md(text.replace("\n", " "))


def _md_table(items: tuple[Any, ...]) -> str:
    head, *rows = items
    return (
        "| "
        + " | ".join(_md_cell(h) for h in head)
        + " |\n|"
        + "---|" * len(head)
        + "\n"
        + "\n".join("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows)
        + "\n"
    )


def to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for blk in _flat(blocks):
        if blk.kind in ("h1", "h2", "h3"):
            out.append("#" * int(blk.kind[1]) + f" {_md(blk.text)}\n")
        elif blk.kind == "p":
            out.append(f"{_md(blk.text)}\n")
        elif blk.kind == "blank":
            out.append(f"**{blk.text}**\n\n>\n")  # the tool's own words: as they are
        elif blk.kind == "notice":
            out.append(f"**{blk.text}**\n")
        elif blk.kind == "ul":
            out.append("\n".join(f"- {_md(item, '  ')}" for item in blk.items) + "\n")
        elif blk.kind == "quote":
            lines = blk.text.splitlines() or [""]
            said = "\n".join(f"> {_md(line, at_line_start=True)}" for line in lines)
            out.append(f"{said}\n> — {_md(blk.cite)}\n")
        elif blk.kind == "table":
            out.append(_md_table(blk.items))
    return "\n".join(out)


# -- HTML -------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#202124;max-width:46rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;overflow-wrap:break-word}
h1{font-size:1.6rem;border-block-end:2px solid #1f4e79;padding-block-end:.3rem}
h2{font-size:1.2rem;color:#1f4e79;margin-top:2rem;break-after:avoid}
h3{font-size:1rem;margin-bottom:.2rem;break-after:avoid}
table{border-collapse:collapse;margin:.6rem 0;width:100%}
td{border-block-end:1px solid #dadce0;padding:.25rem .5rem;vertical-align:top}
td+td{overflow-wrap:anywhere}
blockquote{margin:.4rem 0;padding:.2rem .8rem;border-left:3px solid #9aa0a6;color:#3c4043;
break-inside:avoid}
blockquote cite{display:block;font-size:.8rem;color:#5f6368}
.blank{border:1px dashed #9aa0a6;padding:.8rem;min-height:3rem;color:#5f6368;font-style:italic;
break-inside:avoid}
.notice{border:2px solid #b06000;padding:.6rem .8rem;break-inside:avoid}
.goal{break-inside:avoid;page-break-inside:avoid}
svg{max-width:100%;height:auto;display:block;margin:.5rem 0}
figure{margin:.5rem 0}figcaption{font-size:.8rem;color:#5f6368}
@page{size:A4;margin:18mm 16mm}
@media print{body{margin:0;max-width:none;padding:0}h2,h3{break-after:avoid}
svg,table{break-inside:avoid}}
"""


def html_page(title: str, body: Sequence[str], css: str = CSS) -> str:
    """One self-contained HTML page: inline style, no script, nothing fetched."""
    head = [
        "<!DOCTYPE html>",
        "<html lang='en'>",
        "<head>",
        "<meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{escape(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def _html_block(blk: Block) -> str:
    if blk.kind in ("h1", "h2", "h3"):
        return f"<{blk.kind}>{escape(blk.text)}</{blk.kind}>"
    if blk.kind == "p":
        return f"<p>{escape(blk.text)}</p>"
    if blk.kind == "blank":
        return f"<div class='blank'>{escape(blk.text)}</div>"
    if blk.kind == "notice":
        return f"<p class='notice' role='note'><strong>{escape(blk.text)}</strong></p>"
    if blk.kind == "ul":
        return "<ul>" + "".join(f"<li>{escape(str(i))}</li>" for i in blk.items) + "</ul>"
    if blk.kind == "quote":
        body = "<br>".join(escape(line) for line in blk.text.splitlines())
        return f"<blockquote>{body}<cite>{escape(blk.cite)}</cite></blockquote>"
    if blk.kind == "table":
        head, *rows = blk.items
        thead = (
            "<thead><tr>" + "".join(f"<td><b>{escape(h)}</b></td>" for h in head) + "</tr></thead>"
            if any(head)
            else ""
        )
        tbody = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table>{thead}<tbody>{tbody}</tbody></table>"
    if blk.kind == "keep":
        return (
            "<section class='goal'>" + "\n".join(_html_block(b) for b in blk.items) + "</section>"
        )
    if blk.kind == "svg" and blk.cite:
        return f"<figure>{blk.text}<figcaption>{escape(blk.cite)}</figcaption></figure>"
    if blk.kind == "svg":
        return blk.text
    return ""


def to_html(blocks: Sequence[Block], title: str) -> str:
    return html_page(title, [_html_block(b) for b in blocks])


# -- JSON -------------------------------------------------------------------------


def _json_block(blk: Block) -> dict[str, Any]:
    if blk.kind == "svg":
        label = blk.text.partition("<title>")[2].partition("</title>")[0]
        # A goal's GAS ratings as drawn; [] for a chart whose table follows it.
        points = [{"date": d, "gas": v} for d, v in blk.items]
        return {"kind": "chart", "title": label, "points": points}
    if blk.kind == "table":
        head, *rows = blk.items
        return {"kind": "table", "head": list(head) if any(head) else None, "rows": rows}
    if blk.kind == "ul":
        return {"kind": "list", "items": list(blk.items)}
    if blk.kind == "quote":
        return {"kind": "quote", "text": blk.text, "cite": blk.cite}
    return {"kind": blk.kind, "text": blk.text}


def to_data(
    blocks: Sequence[Block], period: dict[str, Any], files_left_out: int = 0
) -> dict[str, Any]:
    """The report as data: the header's fields, then each section's blocks in order
    (a chart is named, not drawn); the same content as the Markdown. The notice of
    files left out is the number ``files_left_out``."""
    flat = _flat(blocks)
    title = next((b.text for b in flat if b.kind == "h1"), "")
    header = next((b for b in flat if b.kind == "table"), None)
    out: dict[str, Any] = {
        "title": title,
        "period": period,
        "files_left_out": files_left_out,
        "header": {k: v for k, v in header.items[1:]} if header else {},
        "sections": [],
    }
    sections: list[dict[str, Any]] = out["sections"]
    for b in flat:
        if b.kind == "h2":
            sections.append({"title": b.text, "blocks": []})
        elif sections:
            sections[-1]["blocks"].append(_json_block(b))
    return out
