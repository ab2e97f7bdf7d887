"""The worksheet as one self-contained HTML file, for a projector or a browser with no network.

Everything is inline: the CSS, an SVG diagram of the network (each connection labelled with its
weight), the formulas as MathML (rendered by current browsers without any script), and a few
lines of script that highlight the chain-rule factors of a weight when the pointer is on its
connection (or a click pins it). Without the script the page loses only the highlighting.

The file is well-formed XML as well as HTML, so tests (and tools) can parse it with
:mod:`xml.etree.ElementTree`.
"""

from ..formula import Matrix, Mul, Pow, Row, Text, to_text
from .mathml import escape, math_inline, to_mathml
from .svg import caption, diagram
from . import i18n

__all__ = ["to_html", "CSS", "SCRIPT"]

CSS = """
:root { --ink: #1d232b; --muted: #5a6572; --line: #dde3ea; --paper: #ffffff;
  --forward: #2b6cb0; --error: #c0392b; --backward: #b7600a; --update: #2a8a4a;
  --after: #6b4fa8; --hl: #fff0a0; --hl-edge: #e07b00; }
html { font-size: 19px; }
body { margin: 0; background: #f4f2ed; color: var(--ink); line-height: 1.45;
  font-family: "Source Sans 3", "Noto Sans", "Segoe UI", "DejaVu Sans", "Noto Sans CJK SC",
    "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
header { background: var(--paper); border-bottom: 4px solid var(--forward);
  padding: 1rem 2rem 0.8rem; }
h1 { margin: 0; font-size: 2rem; letter-spacing: -0.01em; }
.subtitle { margin: 0.25rem 0 0; color: var(--muted); }
.subtitle code { font-size: 0.85em; overflow-wrap: anywhere; }
main { display: grid; grid-template-columns: minmax(380px, var(--aside, 38%)) minmax(0, 1fr);
  gap: 1.6rem; padding: 1.2rem 2rem 3rem; align-items: start; }
aside { align-self: stretch; min-width: 0; }
aside figure { position: sticky; top: 1rem; z-index: 1; }
article { min-width: 0; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 12px;
  padding: 0.6rem 1.2rem 1rem; margin-bottom: 1.2rem; box-shadow: 0 1px 3px rgba(0,0,0,0.05); }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.85rem; margin-top: 0.3rem; }
h2 { font-size: 1.4rem; margin: 0.5rem 0 0.3rem; color: var(--c, var(--forward)); }
h3 { font-size: 1.02rem; margin: 1rem 0 0.2rem; color: var(--muted); font-weight: 600; }
p { margin: 0.4rem 0; }
section.forward { --c: var(--forward); } section.error { --c: var(--error); }
section.backward { --c: var(--backward); } section.after { --c: var(--after); }
section { border-top: 5px solid var(--c, var(--forward)); }
section.givens { --c: #7d8893; }
.eq { border-left: 5px solid var(--c, var(--forward)); background: #fafbfc;
  border-radius: 0 8px 8px 0; margin: 0.35rem 0; padding: 0.3rem 0.9rem 0.3rem 2.6rem;
  display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 0.25em; row-gap: 0.2rem;
  overflow-x: auto; overflow-y: hidden;
  transition: background 0.15s, border-color 0.15s; }
.eq .side { display: inline-flex; flex-wrap: wrap; align-items: baseline; max-width: 100%;
  row-gap: 0.2rem; }
.eq > .side:first-child { margin-left: -1.7rem; }
.eq.update { border-left-color: var(--update); }
.eq.hl { background: var(--hl); border-left-color: var(--hl-edge); }
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math",
  "DejaVu Math TeX Gyre", math; }
.eq math { font-size: 1.15rem; }
dl { margin: 0.3rem 0; display: grid; grid-template-columns: minmax(4em, 7em) minmax(0, 1fr);
  gap: 0.25rem 0.9rem; }
dt { color: var(--muted); }
.note { color: var(--muted); font-size: 0.9em; }
.item { white-space: nowrap; }
dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
svg .edge line.w { stroke: #8d99a6; stroke-width: 2; }
svg .edge line.hit { stroke: transparent; stroke-width: 16; }
svg .edge { cursor: pointer; outline: none; }
svg .edge text { fill: var(--ink); paint-order: stroke; stroke: #ffffff; stroke-width: 5px;
  stroke-linejoin: round; text-anchor: middle; font-family: "DejaVu Sans", sans-serif; }
svg .edge:hover line.w, svg .edge:focus line.w, svg .edge.hl line.w { stroke: var(--hl-edge);
  stroke-width: 4.5; }
svg .edge.hl text { fill: #8a3d00; font-weight: bold; }
svg .faded { opacity: 0.3; }
svg circle { stroke-width: 2.5; }
svg .input circle { fill: #eef1f4; stroke: #7d8893; }
svg .hidden circle { fill: #dcebfa; stroke: var(--forward); }
svg .output circle { fill: #fde7d4; stroke: var(--backward); }
svg text.name { text-anchor: middle; font-weight: bold; font-family: "DejaVu Sans", sans-serif; }
svg text.value { fill: var(--muted); font-family: "DejaVu Sans", sans-serif; }
svg rect.bias { fill: #f6f1e4; stroke: #b49a5a; stroke-width: 1.5; }
svg line.bias-edge { stroke: #b49a5a; stroke-width: 1.5; stroke-dasharray: 5 4; }
svg text.bias-label { text-anchor: middle; fill: #6b5a2a; font-family: "DejaVu Sans", sans-serif; }
@media (max-width: 1100px) { main { grid-template-columns: minmax(0, 1fr); }
  aside figure { position: static; } }
@media (max-width: 600px) { html { font-size: 16px; } header { padding: 0.8rem 0.8rem 0.6rem; }
  main { padding: 0.6rem 0.5rem 2rem; gap: 0.8rem; } .card { padding: 0.5rem 0.6rem 0.8rem; }
  .eq { padding-left: 1.6rem; padding-right: 0.4rem; } .eq math { font-size: 1rem; }
  .eq > .side:first-child { margin-left: -1rem; }
  dl { grid-template-columns: minmax(0, 1fr); } dt { font-weight: 600; } }
@media print { body { background: white; } main { display: block; }
  aside figure { position: static; }
  .card { box-shadow: none; break-inside: avoid; } }
"""

# No '<' and no '&' in the script: the file stays well-formed XML.
SCRIPT = """
(function () {
  var rows = document.querySelectorAll(".eq");
  var edges = document.querySelectorAll("svg .edge");
  var pinned = null;
  function show(edge) {
    var names = edge ? edge.getAttribute("data-factors").split(" ") : [];
    rows.forEach(function (row) {
      row.classList.toggle("hl", names.indexOf(row.getAttribute("data-q")) !== -1);
    });
    edges.forEach(function (e) { e.classList.toggle("hl", e === edge); });
  }
  edges.forEach(function (edge) {
    edge.addEventListener("mouseenter", function () { show(edge); });
    edge.addEventListener("mouseleave", function () { show(pinned); });
    edge.addEventListener("click", function () {
      pinned = pinned === edge ? null : edge;
      show(pinned);
      var target = "dE/d" + edge.getAttribute("data-w");
      rows.forEach(function (row) {
        if (pinned === edge) { if (row.getAttribute("data-q") === target) {
          row.scrollIntoView({behavior: "smooth", block: "center"}); } }
      });
    });
  });
})();
"""


def _segments(segments):
    return "".join(escape(s) if isinstance(s, str) else math_inline(s) for s in segments)


def _section_class(lines):
    if lines and all(line.name.endswith("+") and line.phase != "update" for line in lines):
        return "after"
    phases = [line.phase for line in lines if line.phase != "update"]
    return max(set(phases), key=phases.count) if phases else "backward"


#: How each block of a section is written (a block of another kind is left out).
_BLOCKS = {
    "h3": lambda heading: f"<h3>{escape(heading)}</h3>",
    "p": lambda segments: f"<p>{_segments(segments)}</p>",
    "line": lambda line: (f'<div class="eq{" update" if line.phase == "update" else ""}" '
                          f'data-q="{escape(line.name)}">{_equation(line)}</div>'),
}


def to_html(sheet):
    """The worksheet (a :class:`~neurosim.render.worksheet.Sheet`) as one HTML document."""
    lang, net, step = sheet.lang, sheet.network, sheet.step
    new = {name[:-1]: v for name, v in step.values.items()
           if name.endswith("+") and name[:-1] in net}
    svg = diagram(net, inputs=[step.values[i] for i in net.input_names],
                  targets=[step.values[f"target_{o.name}"] for o in net.output_layer.neurons],
                  new_weights=new, factors=sheet.factors,
                  chosen=None if sheet.neurons == {n.name for n in net.neurons}
                  else sheet.neurons, lang=lang)
    words = caption(net, lang, labels='data-labels="all"' in svg)
    aside = [f'<figure class="card">{svg}<figcaption>{escape(words)} '
             f'{escape(i18n.text(lang, "hint"))}</figcaption></figure>']
    groups = [[]]       # the blocks before the first h2 (notes in the header), then by h2
    for block in sheet.blocks:
        if block[0] == "h2":
            groups.append([])
        groups[-1].append(block)
    notes = "".join(f"<p>{_segments(content)}</p>" for kind, content in groups[0] if kind == "p")
    sections = []
    for (_, heading), *rest in groups[1:]:
        if rest and rest[0][0] == "givens":
            aside.append(f'<section class="card givens"><h2>{escape(heading)}</h2>'
                         f'{_givens(rest[0][1])}</section>')
        else:
            lines = [content for kind, content in rest if kind == "line"]
            sections.append(f'<section class="card {_section_class(lines)}"><h2>'
                            f'{escape(heading)}</h2>' + "".join(
                                _BLOCKS[kind](content) for kind, content in rest
                                if kind in _BLOCKS) + "</section>")
    # a deeper network gets a wider diagram column (its labels stay readable); one column on a
    # narrow screen (the CSS's media queries)
    share = {3: 38, 4: 46}.get(len(net.layers) + 1, 52 if len(net.layers) > 3 else 34)
    first, *rest = sheet.subtitle           # the network's repr, as code
    subtitle = f"<code>{escape(first)}</code>" + "".join(
        escape(s if isinstance(s, str) else to_text(s)) for s in rest)
    return page(sheet.title, CSS, f'<header><h1>{escape(sheet.title)}</h1><p class="subtitle">'
                f'{subtitle}</p>{notes}</header>\n<main style="--aside: {share}%">\n<aside>'
                f'{"".join(aside)}</aside>\n<article>\n' + "\n".join(sections)
                + f"\n</article>\n</main>\n<script>{SCRIPT}</script>\n",
                "zh-CN" if lang == "zh" else "en")


def page(title, css, body, lang="en"):
    """One self-contained HTML document: ``body`` under a head holding ``title`` and ``css``
    (the worksheet's, and the exercise sheets')."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8"/>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
            f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}"
            "</body>\n</html>\n")


def _split(items, at):
    """``items`` in groups, a new group before each item that ``at`` accepts (unless the group
    so far is empty or only an ``=``)."""
    groups = [[]]
    for item in items:
        if at(item) and groups[-1] not in ([], ["="]):
            groups.append([])
        groups[-1].append(item)
    return groups


def _equation(line):
    """A line as its sides (split at its ``=`` signs), each side one ``<math>`` per term and
    factor: a long line breaks at an ``=`` first (the rest indented, as a derivation is written
    on a board), and a side too long for a line of its own breaks between its terms, never
    inside one; nothing is hidden in a sideways scroll (issue 16)."""
    items = line.formula.items if isinstance(line.formula, Row) else (line.formula,)
    out = []
    for k, side in enumerate(_split(items, lambda item: item == "=" or isinstance(item, Text))):
        terms = [t for item in side for t in _terms(item)]
        maths = []
        for piece in _split(terms, lambda term: isinstance(term, str) and term in _BREAKS):
            first, *rest = [term for term in piece if term != ""]   # "": two matrices multiplied
            # an operator opening a piece is still infix (spaced on both sides), not a sign
            head = (to_mathml(first).replace("<mo>", '<mo form="infix">', 1)
                    if isinstance(first, str) else to_mathml(first))
            alt = f' alttext="{escape(line.text)}"' if not (k or maths) else ""
            maths.append(f'<math displaystyle="true"{alt}><mrow>{head}'
                         f'{to_mathml(Row(tuple(rest)))}</mrow></math>')
        out.append(f'<span class="side">{"".join(maths)}</span>')
    return "".join(out)


#: Where a side may break: before these operators ("": between two matrices multiplied).
_BREAKS = ("+", "-", "*", "⊙", "")


def _terms(side):
    """A side as its terms and factors with the operators between them: ``a + b*c`` as
    ``a, "+", b, "*", c`` (a line may break before a dot, as before a plus)."""
    if isinstance(side, Row) and all(i in _BREAKS for i in side.items if isinstance(i, str)):
        return [t for item in side.items for t in _terms(item)]   # an operator: [itself]
    if isinstance(side, Mul) and (side.explicit or _matrix(side.left) or _matrix(side.right)):
        return _terms(side.left) + ["*" if side.explicit else ""] + _terms(side.right)
    return [side]


def _matrix(node):
    return isinstance(node, Matrix) or isinstance(node, Pow) and isinstance(node.base, Matrix)


def _given(values):
    """One entry of the givens: formulas with a comma after each but the last (no line starts
    with a comma), then the notes; or the rules, one a line."""
    if values and isinstance(values[0], list):
        return "<br/>".join(map(_segments, values))
    maths = [math_inline(v) for v in values if not isinstance(v, str)]
    return " ".join(f'<span class="item">{m}</span>' for m in [m + "," for m in maths[:-1]]
                    + maths[-1:]) + "".join(f' <span class="note">{escape(v)}</span>'
                                            for v in values if isinstance(v, str))


def _givens(items):
    """The givens as a definition list (a label repeated is shown once)."""
    before = [None] + [label for label, _ in items]
    return "<dl>" + "".join(f"<dt>{escape(label) if label != previous else ''}</dt>"
                            f"<dd>{_given(values)}</dd>"
                            for (label, values), previous in zip(items, before)) + "</dl>"
