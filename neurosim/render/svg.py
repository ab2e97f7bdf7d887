"""The network as an inline SVG diagram: neurons in columns, each connection labelled with its
weight's name and value (as Mazur's figure), biases in small boxes.

Each connection is a group ``<g class="edge" data-w="w5" data-factors="...">`` so that the HTML
worksheet's script can highlight the lines of its chain rule; its ``<title>`` (a tooltip) says
where it goes and how the update changes it. Large networks keep the tooltips and drop the
labels on the lines (``labels=False``, chosen automatically past 48 connections).
"""

from ..events import num
from .mathml import escape

__all__ = ["diagram"]

COLUMN = 320       # horizontal distance between layers
SPACING = 150      # vertical distance between neurons of a layer (shrinks for big layers)
TALLEST = 760      # the diagram's height for the neurons, at most
MARGIN_X, MARGIN_Y = 100, 60   # left margin (input values), top and bottom
RIGHT = 175                     # right margin (targets)


def _layout(net):
    """Centre (x, y) of every neuron, inputs included, and the radius."""
    columns = [list(net.input_names)] + [[n.name for n in layer.neurons] for layer in net.layers]
    biggest = max(len(c) for c in columns)
    spacing = SPACING if biggest < 2 else min(SPACING, TALLEST / (biggest - 1))
    radius = max(7.0, min(32.0, spacing * 0.3))
    height = (biggest - 1) * spacing
    centres = {}
    for k, names in enumerate(columns):
        top = MARGIN_Y + (height - (len(names) - 1) * spacing) / 2
        for j, name in enumerate(names):
            centres[name] = (MARGIN_X + k * COLUMN, top + j * spacing)
    return columns, centres, radius, spacing, height


#: Where along a connection (from the sender) its label may go, in order of preference: near
#: the sender first, as in Mazur's figure, so that the labels of one sender's edges fan out.
_SPOTS = (0.36, 0.5, 0.28, 0.64, 0.44, 0.2, 0.72, 0.58, 0.8)


def _free_spot(x1, y1, x2, y2, label, font, taken):
    """The first spot along the line whose label box overlaps nothing taken (then taken), or
    None: a crowded connection keeps only its tooltip."""
    width = 0.6 * font * len(label)
    for t in _SPOTS:
        x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1) - 5
        box = (x - width / 2 - 2, y - 0.8 * font, x + width / 2 + 2, y + 0.25 * font)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                   for b in taken):
            taken.append(box)
            return x, y
    return None


def diagram(net, *, inputs=None, targets=None, new_weights=None, factors=None, chosen=None,
            labels=None):
    """The SVG element (a string) of ``net`` before the update, with the sample's ``inputs``
    beside the input neurons and ``targets`` beside the outputs.

    ``new_weights`` maps names to values after the update (for the tooltips), ``factors``
    maps a weight to the names of its chain-rule lines (``data-factors``), ``chosen`` is the
    set of neurons written out (the others are drawn faded).
    """
    columns, centres, r, spacing, height = _layout(net)
    new_weights = new_weights or {}
    factors = factors or {}
    connections = sum(len(n.weights) for n in net.neurons)
    if labels is None:
        labels = connections <= 48
    has_shared = any(layer.bias_mode == "shared" for layer in net.layers)
    bias_y = MARGIN_Y + height + max(spacing * 0.8, 70) if has_shared else None
    width = MARGIN_X + RIGHT + (len(columns) - 1) * COLUMN
    total_height = (bias_y if bias_y else MARGIN_Y + height) + MARGIN_Y + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} '
           f'{total_height:.0f}" role="img" aria-label="{escape(repr(net))}">']
    font = max(11, min(22, int(r * 0.75)))
    # biases: a box per shared bias (in the column before its layer), a label per neuron bias;
    # their dashed lines go first, under the connections and their labels
    boxes = []
    out.append('<g class="biases">')
    for k, layer in enumerate(net.layers):
        if layer.bias_mode == "shared":
            bx = MARGIN_X + k * COLUMN
            bw, bh = 116, 40
            text = f"{layer.bias_name} = {num(layer.neurons[0].bias, 4)}"
            for n in layer.neurons:
                x2, y2 = centres[n.name]
                out.append(f'<line class="bias-edge" x1="{bx + bw / 2:.1f}" y1="{bias_y:.1f}" '
                           f'x2="{x2 - r:.1f}" y2="{y2:.1f}"/>')
            boxes.append(f'<rect class="bias" x="{bx - bw / 2:.1f}" y="{bias_y - bh / 2:.1f}" '
                         f'width="{bw}" height="{bh}" rx="8"/>')
            boxes.append(f'<text class="bias-label" x="{bx:.1f}" y="{bias_y + 6:.1f}" '
                         f'font-size="{font}">{escape(text)}</text>')
        elif layer.bias_mode == "per_neuron" and labels:
            for n in layer.neurons:
                if chosen is not None and n.name not in chosen:
                    continue
                x, y = centres[n.name]
                boxes.append(f'<text class="bias-label" x="{x:.1f}" y="{y - r - 8:.1f}" '
                             f'font-size="{font - 2}">{escape(n.bias_name)} = '
                             f'{num(n.bias, 4)}</text>')
    out.append("</g>")

    # where labels may not go: the neurons, and the labels already placed
    taken = [(x - r - 4, y - r - 4, x + r + 4, y + r + 4) for x, y in centres.values()]
    out.append('<g class="edges">')
    senders = list(net.input_names)
    for k, layer in enumerate(net.layers):
        for n in layer.neurons:
            for w_name, sender, w in zip(n.weight_names, senders, n.weights):
                (x1, y1), (x2, y2) = centres[sender], centres[n.name]
                faded = chosen is not None and n.name not in chosen and sender not in chosen
                cls = "edge faded" if faded else "edge"
                data = " ".join(factors.get(w_name, ()))
                tip = f"{w_name}: {sender} \u2192 {n.name}, {num(w)}"
                if w_name in new_weights:
                    tip += f" \u2192 {w_name}+ = {num(new_weights[w_name])}"
                out.append(f'<g class="{cls}" data-w="{w_name}" data-factors="{escape(data)}" '
                           f'tabindex="0"><title>{escape(tip)}</title>')
                out.append(f'<line class="w" x1="{x1 + r:.1f}" y1="{y1:.1f}" x2="{x2 - r:.1f}" '
                           f'y2="{y2:.1f}"/>')
                out.append(f'<line class="hit" x1="{x1 + r:.1f}" y1="{y1:.1f}" '
                           f'x2="{x2 - r:.1f}" y2="{y2:.1f}"/>')
                if labels and not faded:
                    label = f"{w_name} = {num(w, 4)}"
                    spot = _free_spot(x1, y1, x2, y2, label, font, taken)
                    if spot is not None:
                        out.append(f'<text x="{spot[0]:.1f}" y="{spot[1]:.1f}" '
                                   f'font-size="{font}">{escape(label)}</text>')
                out.append("</g>")
        senders = [n.name for n in layer.neurons]
    out.append("</g>")

    out.append('<g class="bias-boxes">' + "".join(boxes) + "</g>")

    # neurons
    out.append('<g class="neurons">')
    kinds = ["input"] + [layer.kind for layer in net.layers]
    for k, names in enumerate(columns):
        for name in names:
            x, y = centres[name]
            faded = chosen is not None and k > 0 and name not in chosen
            cls = f"neuron {kinds[k]}" + (" faded" if faded else "")
            out.append(f'<g class="{cls}" data-neuron="{escape(name)}">')
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>')
            out.append(f'<text class="name" x="{x:.1f}" y="{y + font * 0.35:.1f}" '
                       f'font-size="{font + 1}">{escape(name)}</text>')
            value = None
            if k == 0 and inputs is not None:
                value, vx, anchor = num(inputs[names.index(name)], 4), x - r - 8, "end"
            elif k == len(columns) - 1 and targets is not None:
                value, vx, anchor = (f"target {num(targets[names.index(name)], 4)}", x + r + 8,
                                     "start")
            if value is not None:
                out.append(f'<text class="value" x="{vx:.1f}" y="{y + font * 0.35:.1f}" '
                           f'text-anchor="{anchor}" font-size="{font - 1}">{escape(value)}</text>')
            out.append("</g>")
    out.append("</g></svg>")
    return "\n".join(out)
