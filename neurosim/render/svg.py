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
from .layout import MOST_LABELLED, layout
from .mathml import escape

__all__ = ["diagram", "caption"]

FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"   # the font the label boxes are measured in

#: A connection without a label on the diagram shows its weight while it is pointed at,
#: focused (Tab) or pinned (a click or tap: the worksheet's script gives it the class ``hl``).
ON_DEMAND = ("svg .edge text.on-demand { display: none; } "
             "svg .edge:hover text.on-demand, svg .edge:focus text.on-demand, "
             "svg .edge.hl text.on-demand { display: inline; }")

_CAPTIONS = {
    ("all", "en"): "The network before the update: each connection is labelled with its weight.",
    ("all", "zh"): "更新前的网络：每条连线上标出其权重。",
    ("hover", "en"): ("The network before the update: its {0} connections are too many to "
                      "label (more than {1}); point at a connection, tap it or move to it with "
                      "Tab to see its weight."),
    ("hover", "zh"): ("更新前的网络：共 {0} 条连线，超过 {1} 条，不逐一标注；将鼠标移到连线上、"
                      "点击连线或用 Tab 键选中连线，即可看到其权重。"),
}


def caption(net, lang="en", *, labels=None):
    """The sentence under the diagram, true to what it shows: labelled connections, or (past
    :data:`~neurosim.render.layout.MOST_LABELLED` of them) weights on hover or selection."""
    connections = sum(len(n.weights) for n in net.neurons)
    shown = "all" if (connections <= MOST_LABELLED if labels is None else labels) else "hover"
    return _CAPTIONS[shown, lang].format(connections, MOST_LABELLED)


def diagram(net, *, inputs=None, targets=None, new_weights=None, factors=None, chosen=None,
            labels=None):
    """The SVG element (a string) of ``net`` before the update, with the sample's ``inputs``
    beside the input neurons and ``targets`` beside the outputs.

    ``new_weights`` maps names to values after the update (for the tooltips), ``factors``
    maps a weight to the names of its chain-rule lines (``data-factors``), ``chosen`` is the
    set of neurons written out (the others are drawn faded, their connections unlabelled).
    ``labels`` forces the weight labels on or off (default: on up to
    :data:`~neurosim.render.layout.MOST_LABELLED` connections).
    """
    new_weights = new_weights or {}
    factors = factors or {}
    faded = set()
    senders = list(net.input_names)
    for layer in net.layers:
        for n in layer.neurons:
            for w_name, sender in zip(n.weight_names, senders):
                if chosen is not None and n.name not in chosen and sender not in chosen:
                    faded.add(w_name)
        senders = [n.name for n in layer.neurons]
    connections = sum(len(n.weights) for n in net.neurons)
    if labels is None:
        labels = connections <= MOST_LABELLED
    weights = {w: value for n in net.neurons for w, value in zip(n.weight_names, n.weights)}
    edge_texts = ({w: f"{w} = {num(v, 4)}" for w, v in weights.items() if w not in faded}
                  if labels else {})
    notes = {}
    if labels:
        for layer in net.layers:
            if layer.bias_mode == "per_neuron":
                notes.update((n.name, f"{n.bias_name} = {num(n.bias, 4)}") for n in layer.neurons
                             if chosen is None or n.name in chosen)
    sides = {}
    if inputs is not None:
        sides.update((name, num(v, 4)) for name, v in zip(net.input_names, inputs))
    if targets is not None:
        sides.update((n.name, f"target {num(v, 4)}")
                     for n, v in zip(net.output_layer.neurons, targets))
    bias_texts = {layer.bias_name: f"{layer.bias_name} = {num(layer.neurons[0].bias, 4)}"
                  for layer in net.layers if layer.bias_mode == "shared"}
    plan = layout(net, edge_texts=edge_texts, notes=notes, sides=sides, bias_texts=bias_texts,
                  most=connections if labels else -1)
    r, font = plan.radius, plan.font
    shown = "all" if plan.labelled else "hover"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {plan.width:.0f} '
           f'{plan.height:.0f}" role="img" aria-label="{escape(repr(net))}" '
           f'data-labels="{shown}" font-family="{FONT_FAMILY}">']
    out.append(f"<style>{ON_DEMAND}</style>")
    placed = {(lab.kind, lab.owner): lab for lab in plan.labels}

    def text(label, cls=None, **extra):
        attrs = f' class="{cls}"' if cls else ""
        attrs += "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
        # the baseline sits (ascent - descent) / 2 below the box's centre
        return (f'<text{attrs} x="{label.x:.1f}" y="{label.y + 0.346 * label.font:.1f}" '
                f'text-anchor="middle" font-size="{label.font:g}">{escape(label.text)}</text>')

    # shared biases' dashed lines first, under the connections and their labels
    out.append('<g class="biases">')
    for bias in plan.biases:
        for (x1, y1), (x2, y2) in bias.segments:
            out.append(f'<line class="bias-edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                       f'y2="{y2:.1f}"/>')
    out.append("</g>")

    out.append('<g class="edges">')
    for edge in plan.edges:
        cls = "edge faded" if edge.name in faded else "edge"
        data = " ".join(factors.get(edge.name, ()))
        tip = f"{edge.name}: {edge.sender} \u2192 {edge.receiver}, {num(weights[edge.name])}"
        if edge.name in new_weights:
            tip += f" \u2192 {edge.name}+ = {num(new_weights[edge.name])}"
        (x1, y1), (x2, y2) = edge.start, edge.end
        out.append(f'<g class="{cls}" data-w="{edge.name}" data-factors="{escape(data)}" '
                   f'tabindex="0"><title>{escape(tip)}</title>')
        out.append(f'<line class="w" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
        out.append(f'<line class="hit" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                   f'y2="{y2:.1f}"/>')
        label = placed.get(("weight", edge.name))
        if label is not None:
            out.append(text(label))
        else:       # shown only while the connection is pointed at, focused or pinned
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2 - 0.6 * font
            out.append(f'<text class="on-demand" x="{mx:.1f}" y="{my:.1f}" '
                       f'text-anchor="middle" font-size="{font:g}">'
                       f'{escape(f"{edge.name} = {num(weights[edge.name], 4)}")}</text>')
        out.append("</g>")
    out.append("</g>")

    boxes = []
    for bias in plan.biases:
        b = bias.box
        boxes.append(f'<rect class="bias" x="{b.x0:.1f}" y="{b.y0:.1f}" width="{b.x1 - b.x0:.1f}" '
                     f'height="{b.y1 - b.y0:.1f}" rx="8"/>')
        words = bias_texts[bias.name]
        baseline = (b.y0 + b.y1) / 2 + 0.346 * font
        boxes.append(f'<text class="bias-label" x="{(b.x0 + b.x1) / 2:.1f}" '
                     f'y="{baseline:.1f}" text-anchor="middle" font-size="{font:g}">'
                     f'{escape(words)}</text>')
    boxes += [text(lab, "bias-label", data_of=lab.owner) for lab in plan.labels
              if lab.kind == "note"]
    out.append('<g class="bias-boxes">' + "".join(boxes) + "</g>")

    out.append('<g class="neurons">')
    for k, names in enumerate(plan.columns):
        for name in names:
            x, y = plan.centres[name]
            dim = chosen is not None and k > 0 and name not in chosen
            cls = f"neuron {plan.kinds[k]}" + (" faded" if dim else "")
            out.append(f'<g class="{cls}" data-neuron="{escape(name)}">')
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>')
            out.append(f'<text class="name" x="{x:.1f}" y="{y + font * 0.35:.1f}" '
                       f'text-anchor="middle" font-size="{font + 1}">{escape(name)}</text>')
            side = placed.get(("side", name))
            if side is not None:
                out.append(text(side, "value"))
            out.append("</g>")
    out.append("</g></svg>")
    return "\n".join(out)
