"""Where every neuron, line and label of a network diagram goes: one layout for both drawings.

The worksheet's SVG (:mod:`neurosim.render.svg`) and matplotlib's figure
(:func:`neurosim.plot.network_diagram`) draw the same :class:`Layout`, so both keep the same
rules of readability:

1. no two labels overlap;
2. no line crosses a label, its own connection's line included: a weight's label sits *beside*
   its line, pushed off it along the line's normal just far enough that the box clears it
   (for a box of half-width ``a`` and half-height ``b`` and a unit normal ``n``, the box's reach
   towards the line is ``a*|n_x| + b*|n_y|``);
3. a weight's label is nearer (from its centre) to its own line than to any other line, so that
   a reader does not take it for a neighbour's;
4. labels stay inside the picture, clear of the neurons and the bias boxes.

Labels are placed one by one, greedily, at the first free spot of a short list of candidates
(near the sender first, as in Mazur's figure, so that one sender's labels fan out). When a
label finds no free spot, the whole diagram is spread out (columns and rows 20 % further
apart) and placed again. Past :data:`MOST_LABELLED` connections the lines carry no labels: the
drawings say so and show each weight on hover or selection instead.

Sizes are in the SVG's user units (pixels at scale 1); a label's box comes from its text's
length and the font size, with the advance widths of DejaVu Sans (the font both drawings ask
for), so the geometry is checked, not hoped for.

>>> from neurosim.worked_examples import mazur
>>> plan = layout(mazur(), edge_texts={"w3": "w3 = 0.25"})
>>> [label.text for label in plan.labels]
['w3 = 0.25']
>>> box = plan.labels[0].box
>>> any(box.crosses(edge.start, edge.end) for edge in plan.edges)
False
"""

import math
from functools import partial
from itertools import product
from collections import namedtuple

__all__ = ["MOST_LABELLED", "Box", "Edge", "Label", "BiasNode", "Layout", "layout",
           "text_size", "labelled", "wiring"]

#: The most connections whose lines carry their weights' labels; past it, hover or selection.
MOST_LABELLED = 40

COLUMN = 320       # horizontal distance between layers
SPACING = 150      # vertical distance between neurons of a layer (shrinks for big layers)
TALLEST = 760      # the height of the neurons' part, at most (before spreading out)
GROW = 1.2         # how much further apart each new attempt puts columns and rows
ATTEMPTS = 13       # 1.2 ** 12 = 8.9 times the first size, at most (a dense 3-7 needs 6)

# DejaVu Sans advance widths (em) of the printable ASCII characters, read from the font.
_ASCII = "".join(chr(c) for c in range(32, 127))
_WIDTHS = (
    0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361,
    0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337,
    0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775,
    0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611,
    0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635,
    0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
    0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337,
    0.636, 0.838)
_ADVANCE = dict(zip(_ASCII, _WIDTHS))
ASCENT, DESCENT = 0.928, 0.236   # DejaVu Sans, em
LINE_STEP = 1.2 * (ASCENT + DESCENT)   # baseline to baseline of a multi-line label (matplotlib's)
PAD = 0.12                       # white space kept around a label's ink, em


def text_size(text, font):
    """Width and height of ``text`` (lines split at ``\\n``) at ``font`` user units, padded.

    Characters outside ASCII count as the widest letters (CJK ideographs as a full em).
    """
    lines = text.split("\n")
    widest = max(sum(_ADVANCE.get(c, 1.0 if ord(c) >= 0x2E80 else 0.8) for c in line)
                 for line in lines)
    height = ASCENT + DESCENT + (len(lines) - 1) * LINE_STEP
    return (widest + 2 * PAD) * font, (height + 2 * PAD) * font


class Box(namedtuple("Box", "x0 y0 x1 y1")):
    """An axis-aligned rectangle, ``y`` growing downwards (as in SVG)."""
    @classmethod
    def around(cls, x, y, width, height):
        return cls(x - width / 2, y - height / 2, x + width / 2, y + height / 2)

    def overlaps(self, other, gap=0.0):
        """True when the boxes (each grown by ``gap``/2) share interior area."""
        return (self.x0 - gap < other.x1 and other.x0 - gap < self.x1
                and self.y0 - gap < other.y1 and other.y0 - gap < self.y1)

    def inside(self, other):
        return (other.x0 <= self.x0 and self.x1 <= other.x1
                and other.y0 <= self.y0 and self.y1 <= other.y1)

    def crosses(self, start, end):
        """True when the segment from ``start`` to ``end`` passes through the box (Liang and
        Barsky's clipping: the part of the segment inside each slab, intersected)."""
        (x1, y1), (x2, y2) = start, end
        lo, hi = 0.0, 1.0
        for p, q0, q1 in ((x2 - x1, self.x0 - x1, self.x1 - x1),
                          (y2 - y1, self.y0 - y1, self.y1 - y1)):
            if p == 0 and (q0 >= 0 or q1 <= 0):      # parallel and outside (or on the border)
                return False
            if p:
                a, b = sorted((q0 / p, q1 / p))
                lo, hi = max(lo, a), min(hi, b)
        return lo < hi


class Edge(namedtuple("Edge", "name sender receiver start end")):
    """One connection: weight ``name`` from ``sender`` to ``receiver``, drawn as the segment
    ``start`` to ``end`` (circle border to circle border)."""

class Label(namedtuple("Label", "text owner kind x y box font")):
    """A text placed on the diagram: its ``owner`` (a weight, neuron or bias name), its
    ``kind`` (``"weight"``, ``"note"``, ``"side"``, ``"bias"``), centre ``(x, y)``, ``box`` and
    ``font`` size."""

class BiasNode(namedtuple("BiasNode", "name box receivers segments")):
    """A shared bias: its box, the neurons it feeds and the dashed segments to them."""

class Layout(namedtuple("Layout", "width height radius font columns kinds centres edges biases "
                                  "labels labelled connections")):
    """Everything a drawing needs; sizes in user units, ``y`` downwards: the neurons'
    ``columns`` (names, inputs first), their ``kinds`` and ``centres``, the ``edges``, the shared
    ``biases``, the placed ``labels``; ``labelled`` is True when every connection's weight
    label was placed (False past MOST_LABELLED, or when none was asked for) and
    ``connections`` counts them."""

def labelled(net, most=MOST_LABELLED):
    """Whether ``net``'s diagram labels its connections (at most ``most`` of them)."""
    return len(wiring(net)) <= most


def wiring(net):
    """Every connection of ``net`` as ``(weight name, sender, receiver)``, layer by layer."""
    columns = [list(net.input_names)] + [[n.name for n in layer.neurons] for layer in net.layers]
    return [(w, sender, n.name) for layer, senders in zip(net.layers, columns)
            for n in layer.neurons for w, sender in zip(n.weight_names, senders)]


#: Where along a connection (from the sender) its label may go, in order of preference: near
#: the sender first, as in Mazur's figure, so that the labels of one sender's lines fan out.
_SPOTS = tuple(sorted((k / 25 for k in range(2, 24)), key=lambda t: abs(t - 0.3)))
#: Half-way between those, tried when none of them is free (a crowded line: a 5-8 network
#: with a shared bias left one label to its tooltip without them).
_BETWEEN = tuple(sorted(((2 * k + 1) / 50 for k in range(2, 23)), key=lambda t: abs(t - 0.3)))


def layout(net, *, edge_texts=None, notes=None, sides=None, bias_texts=None, font=None,
           most=MOST_LABELLED):
    """Place ``net``'s neurons, lines and labels.

    ``edge_texts`` maps weight names to their labels (a weight left out gets none: a faded
    connection, say); past ``most`` connections no weight label is placed. ``notes`` maps
    neuron names to a text near the neuron (its bias, its ``out``: below or above it, where
    free); ``sides`` to a text beside it (the inputs' values left of the input neurons, the
    targets right of the outputs); ``bias_texts`` maps a shared bias's name to its box's
    text. ``font`` is the labels' size (default: from the neurons' radius).

    Each attempt spreads the diagram :data:`GROW` times further out; the last one, crowded
    beyond spreading, keeps what finds no spot to its tooltip.
    """
    connections = len(wiring(net))
    edge_texts = dict(edge_texts or {}) if connections <= most else {}
    columns = [list(net.input_names)] + [[n.name for n in layer.neurons] for layer in net.layers]
    biggest = max(map(len, columns))
    spacing = SPACING if biggest < 2 else min(SPACING, TALLEST / (biggest - 1))
    radius = max(7.0, min(32.0, spacing * 0.3))
    font = font or max(11, min(22, int(radius * 0.75)))
    for attempt in range(ATTEMPTS + 1):
        scale = GROW ** min(attempt, ATTEMPTS - 1)
        plan = _attempt(net, columns, spacing * scale, COLUMN * scale, radius, font, edge_texts,
                        notes or {}, sides or {}, bias_texts or {}, attempt < ATTEMPTS)
        if plan is not None:
            break
    weights = {lab.owner for lab in plan.labels if lab.kind == "weight"}
    return plan._replace(labelled=bool(edge_texts) and weights >= edge_texts.keys(),
                         connections=connections)


def _attempt(net, columns, spacing, column, r, font, edge_texts, notes, sides, bias_texts,
             must_fit):
    """One placement at this spacing, or None when some label found no free spot."""
    height = (max(map(len, columns)) - 1) * spacing
    sizes = [text_size(t, font - 2) for t in notes.values()]
    note_w = max((w for w, _ in sizes), default=0.0)
    top = r + max((h for _, h in sizes), default=0.0) + text_size("w", font)[1] + 16

    def margin(names):          # room for the notes and for the sides' texts of a column
        return max(r + 20 + max((text_size(sides[name], font - 1)[0] for name in names
                                 if name in sides), default=0.0), note_w + 10)
    left, right = margin(columns[0]), margin(columns[-1])
    centres = {name: (left + k * column, top + (height - (len(names) - 1) * spacing) / 2
                      + j * spacing)
               for k, names in enumerate(columns) for j, name in enumerate(names)}
    width = left + right + (len(columns) - 1) * column
    bias_y = top + height + max(spacing * 0.8, 70)

    def bias_node(k, layer):    # under the gap before its layer: steep lines
        bw, bh = text_size(bias_texts.get(layer.bias_name, layer.bias_name), font)
        box = Box.around(left + (k + 0.55) * column, bias_y, max(bw, 2 * r), max(bh, 40))
        return BiasNode(layer.bias_name, box, tuple(n.name for n in layer.neurons),
                        tuple(((box.x1, bias_y), (centres[n.name][0] - r, centres[n.name][1]))
                              for n in layer.neurons))
    biases = [bias_node(k, layer) for k, layer in enumerate(net.layers)
              if layer.bias_mode == "shared"]
    total = (bias_y + 20 if biases else top + height) + top
    edges = [Edge(w, sender, receiver, (centres[sender][0] + r, centres[sender][1]),
                  (centres[receiver][0] - r, centres[receiver][1]))
             for w, sender, receiver in wiring(net)]

    plan = Layout(width, total, r, font, columns,
                  ["input"] + [layer.kind for layer in net.layers], centres, edges, biases, [],
                  False, 0)
    canvas = Box(0, 0, width, total)
    segments = [(e.start, e.end) for e in edges] + [s for b in biases for s in b.segments]
    q = r + 3                   # no label touches a neuron (its circle's square) or a bias box
    blocked = ([Box(x - q, y - q, x + q, y + q) for x, y in centres.values()]
               + [b.box for b in biases])
    placed = plan.labels

    def place(text, owner, kind, size, candidates, nearest=lambda x, y: True):
        """Put the label at the first free candidate (nearer to its own line than to any
        other, for a weight's); False when there is none and it must fit."""
        w, h = text_size(text, size)
        for x, y in candidates(w, h):
            box = Box.around(x, y, w, h)
            if (box.inside(canvas) and not any(box.overlaps(b) for b in blocked)
                    and not any(box.overlaps(lab.box, gap=2) for lab in placed)
                    and not any(box.crosses(a, b) for a, b in segments) and nearest(x, y)):
                placed.append(Label(text, owner, kind, x, y, box, size))
                return True
        return not must_fit

    def beside(name, w, h):     # a side: beside the neuron, outside its column
        x, y = centres[name]
        return [(x + (-1 if name in columns[0] else 1) * (r + 8 + w / 2), y)]

    def around(name, w, h):     # a note: below the neuron, above it, then shifted half a width
        x, y = centres[name]
        below, above = y + r + 6 + h / 2, y - r - 6 - h / 2
        return [(x, below), (x, above)] + [(x + s * w / 2, at) for at in (below, above)
                                           for s in (1, -1)]

    jobs = [(text, name, "side", font - 1, partial(beside, name)) for name, text in sides.items()]
    jobs += [(text, name, "note", font - 2, partial(around, name)) for name, text in notes.items()]
    jobs += [(edge_texts[e.name], e.name, "weight", font, _beside(e, font), _nearest_is(e, edges))
             for e in edges if e.name in edge_texts]
    return plan if all(place(*job) for job in jobs) else None


def _beside(edge, font):
    """Candidate centres for ``edge``'s label: at each spot along it, just off the line on
    either side (above first)."""
    (x1, y1), (x2, y2) = edge.start, edge.end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    # a unit normal, the one pointing up: every connection runs left to right (x2 > x1)
    nx, ny = (y2 - y1) / length, -(x2 - x1) / length
    gap = 0.2 * font

    def candidates(w, h):
        # just off the line, then one and two heights further; at each spot, above first
        reach = w / 2 * abs(nx) + h / 2 * abs(ny) + gap
        return ((x1 + t * (x2 - x1) + side * nx * (reach + far),
                 y1 + t * (y2 - y1) + side * ny * (reach + far))
                for spots in (_SPOTS, _BETWEEN)
                for far, t, side in product((0.0, h, 2 * h), spots, (1, -1)))
    return candidates


def _distance(x, y, edge):
    (x1, y1), (x2, y2) = edge.start, edge.end
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / ((dx * dx + dy * dy) or 1.0)))
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy)


#: How much nearer to its own line than to any other a weight's label must be: a reader (and a
#: renderer whose font is a little wider than the table of widths) must not see a tie.
NEARER_BY = 1.0


def _nearest_is(edge, edges):
    """A test that a label centred at (x, y) is nearer to ``edge`` than to any other line, by
    :data:`NEARER_BY` at least."""
    return lambda x, y: _distance(x, y, edge) + NEARER_BY <= min(
        (_distance(x, y, e) for e in edges if e is not edge), default=math.inf)
