"""The network as an inline SVG diagram: neurons in columns, each connection labelled with its
weight's name and value (as Mazur's figure), biases in small boxes.

Where everything goes comes from :func:`neurosim.render.layout.layout`, the one layout that
:func:`neurosim.plot.network_diagram` draws too: no label overlaps another, and no line
crosses a label (a weight's label sits beside its line, not on it).

Each connection is a group ``<g class="edge" data-w="w5" data-factors="...">`` so that the HTML
worksheet's script can highlight the lines of its chain rule; its ``<title>`` (a tooltip) says
where it goes and how the update changes it; a connection whose label is not drawn holds it as
``<text class="on-demand">``, shown (by the SVG's own style) only while the connection is
pointed at, focused or pinned. Each neuron is a group
``<g class="neuron hidden" data-neuron="h1">``. Past
:data:`~neurosim.render.layout.MOST_LABELLED` connections the lines carry no labels; the
weights show on hover or selection (the tooltip), and the ``<svg>`` says which with
``data-labels="all"`` or ``data-labels="hover"`` (:func:`caption` words it for a reader).
"""

from ..numbers import num
from .layout import MOST_LABELLED, labelled, layout, wiring
from .mathml import escape
from . import i18n

__all__ = ["diagram", "caption"]

FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"   # the font the label boxes are measured in

#: A connection without a label on the diagram shows its weight while it is pointed at,
#: focused (Tab) or pinned (a click or tap: the worksheet's script gives it the class ``hl``).
ON_DEMAND = ("svg .edge text.on-demand { display: none; } "
             "svg .edge:hover text.on-demand, svg .edge:focus text.on-demand, "
             "svg .edge.hl text.on-demand { display: inline; }")

def caption(net, lang="en", *, labels=None):
    """The sentence under the diagram, true to what it shows: labelled connections, or (past
    :data:`~neurosim.render.layout.MOST_LABELLED` of them) weights on hover or selection."""
    shown = labelled(net) if labels is None else labels
    return i18n.text(lang, "diagram" if shown else "diagram_hover", len(wiring(net)), MOST_LABELLED)


def _text(x, y, size, words, cls=None, of=None):
    """A text centred on ``x``, its baseline at ``y``."""
    attrs = (f' class="{cls}"' if cls else "") + (f' data-of="{of}"' if of else "")
    return (f'<text{attrs} x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{size:g}">'
            f"{escape(words)}</text>")


def _label(label, cls=None, of=None):
    # the baseline sits (ascent - descent) / 2 below the box's centre
    return _text(label.x, label.y + 0.346 * label.font, label.font, label.text, cls, of)


def _line(cls, start, end):
    (x1, y1), (x2, y2) = start, end
    return f'<line class="{cls}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'


def diagram(net, *, inputs=None, targets=None, new_weights=None, factors=None, chosen=None,
            labels=None, lang="en"):
    """The SVG element (a string) of ``net`` before the update, with the sample's ``inputs``
    beside the input neurons and ``targets`` beside the outputs.

    ``new_weights`` maps names to values after the update (for the tooltips), ``factors``
    maps a weight to the names of its chain-rule lines (``data-factors``), ``chosen`` is the
    set of neurons written out (the others are drawn faded, their connections unlabelled).
    ``labels`` forces the weight labels on or off (default: on up to
    :data:`~neurosim.render.layout.MOST_LABELLED` connections). ``lang`` is the language of
    the words beside the outputs (``target 0.01``, ``目标 0.01``).
    """
    new_weights, factors = new_weights or {}, factors or {}
    wires = wiring(net)
    faded = {w for w, sender, receiver in wires
             if chosen is not None and receiver not in chosen and sender not in chosen}
    labels = labelled(net) if labels is None else labels
    weights = {w: value for n in net.neurons for w, value in zip(n.weight_names, n.weights)}
    edge_texts = {w: f"{w} = {num(v, 4)}" for w, v in weights.items() if labels and w not in faded}
    notes = {n.name: f"{n.bias_name} = {num(n.bias, 4)}" for layer in net.layers
             if labels and layer.bias_mode == "per_neuron" for n in layer.neurons
             if chosen is None or n.name in chosen}
    sides = {name: num(v, 4) for name, v in zip(net.input_names, () if inputs is None else inputs)}
    sides |= {n.name: i18n.text(lang, "target", num(v, 4))
              for n, v in zip(net.output_layer.neurons, () if targets is None else targets)}
    bias_texts = {layer.bias_name: f"{layer.bias_name} = {num(layer.neurons[0].bias, 4)}"
                  for layer in net.layers if layer.bias_mode == "shared"}
    plan = layout(net, edge_texts=edge_texts, notes=notes, sides=sides, bias_texts=bias_texts,
                  most=len(wires) if labels else -1)
    r, font = plan.radius, plan.font
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {plan.width:.0f} '
           f'{plan.height:.0f}" role="img" aria-label="{escape(repr(net))}" '
           f'data-labels="{"all" if plan.labelled else "hover"}" font-family="{FONT_FAMILY}">',
           f"<style>{ON_DEMAND}</style>",
           # shared biases' dashed lines first, under the connections and their labels
           '<g class="biases">']
    out += [_line("bias-edge", *segment) for bias in plan.biases for segment in bias.segments]
    out.append('</g>\n<g class="edges">')
    placed = {(lab.kind, lab.owner): lab for lab in plan.labels}
    for edge in plan.edges:
        w = edge.name
        tip = (f"{w}: {edge.sender} \u2192 {edge.receiver}, {num(weights[w])}"
               + (f" \u2192 {w}+ = {num(new_weights[w])}" if w in new_weights else ""))
        (x1, y1), (x2, y2) = edge.start, edge.end
        label = placed.get(("weight", w))
        out += [f'<g class="{"edge faded" if w in faded else "edge"}" data-w="{w}" '
                f'data-factors="{escape(" ".join(factors.get(w, ())))}" tabindex="0">'
                f"<title>{escape(tip)}</title>",
                _line("w", edge.start, edge.end), _line("hit", edge.start, edge.end),
                # else shown only while the connection is pointed at, focused or pinned
                _label(label) if label else _text((x1 + x2) / 2, (y1 + y2) / 2 - 0.6 * font,
                                                  font, f"{w} = {num(weights[w], 4)}",
                                                  "on-demand"),
                "</g>"]
    out.append("</g>")

    boxes = [f'<rect class="bias" x="{b.x0:.1f}" y="{b.y0:.1f}" width="{b.x1 - b.x0:.1f}" '
             f'height="{b.y1 - b.y0:.1f}" rx="8"/>' + _text(
                 (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2 + 0.346 * font, font, bias_texts[name],
                 "bias-label") for name, b, *_ in plan.biases]
    boxes += [_label(lab, "bias-label", lab.owner) for lab in plan.labels if lab.kind == "note"]
    out.append('<g class="bias-boxes">' + "".join(boxes) + '</g>\n<g class="neurons">')
    for k, names in enumerate(plan.columns):
        for name in names:
            x, y = plan.centres[name]
            dim = chosen is not None and k > 0 and name not in chosen
            side = placed.get(("side", name))
            out += [f'<g class="neuron {plan.kinds[k]}{" faded" if dim else ""}" '
                    f'data-neuron="{escape(name)}">',
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>',
                    _text(x, y + font * 0.35, font + 1, name, "name"),
                    *([_label(side, "value")] if side else []), "</g>"]
    out.append("</g></svg>")
    return "\n".join(out)
