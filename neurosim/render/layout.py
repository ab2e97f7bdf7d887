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
from dataclasses import dataclass, field

__all__ = ["MOST_LABELLED", "Box", "Edge", "Label", "BiasNode", "Layout", "layout",
           "text_size", "labelled"]

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


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle, ``y`` growing downwards (as in SVG)."""
    x0: float
    y0: float
    x1: float
    y1: float

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
            if p == 0:
                if q0 >= 0 or q1 <= 0:      # parallel and outside (or on the border)
                    return False
                continue
            a, b = sorted((q0 / p, q1 / p))
            lo, hi = max(lo, a), min(hi, b)
            if lo >= hi:
                return False
        return True


@dataclass(frozen=True)
class Edge:
    """One connection: weight ``name`` from ``sender`` to ``receiver``, drawn as the segment
    ``start`` to ``end`` (circle border to circle border)."""
    name: str
    sender: str
    receiver: str
    start: tuple
    end: tuple


@dataclass(frozen=True)
class Label:
    """A text placed on the diagram: its ``owner`` (a weight, neuron or bias name), its
    ``kind`` (``"weight"``, ``"note"``, ``"side"``, ``"bias"``) and centre ``(x, y)``."""
    text: str
    owner: str
    kind: str
    x: float
    y: float
    box: Box
    font: float


@dataclass(frozen=True)
class BiasNode:
    """A shared bias: its box, and the dashed segments to the neurons it feeds."""
    name: str
    box: Box
    receivers: tuple
    segments: tuple


@dataclass
class Layout:
    """Everything a drawing needs; sizes in user units, ``y`` downwards."""
    width: float
    height: float
    radius: float
    font: float
    columns: list
    kinds: list
    centres: dict
    edges: list
    biases: list
    labels: list = field(default_factory=list)
    #: True when every connection's weight label was placed (False past MOST_LABELLED, or
    #: when none was asked for).
    labelled: bool = False
    connections: int = 0

    def segments(self):
        """Every line of the drawing: connections, then the shared biases' dashed lines."""
        return ([(e.start, e.end) for e in self.edges]
                + [s for b in self.biases for s in b.segments])

    def obstacles(self):
        """The boxes no label may touch: every neuron (its circle's square) and bias box."""
        r = self.radius + 3
        return ([Box(x - r, y - r, x + r, y + r) for x, y in self.centres.values()]
                + [b.box for b in self.biases])


def labelled(net, most=MOST_LABELLED):
    """Whether ``net``'s diagram labels its connections (at most ``most`` of them)."""
    return _connections(net) <= most


def _connections(net):
    return sum(len(n.weights) for n in net.neurons)


#: Where along a connection (from the sender) its label may go, in order of preference: near
#: the sender first, as in Mazur's figure, so that the labels of one sender's lines fan out.
_SPOTS = tuple(sorted((k / 25 for k in range(2, 24)), key=lambda t: abs(t - 0.3)))


def layout(net, *, edge_texts=None, notes=None, sides=None, bias_texts=None, font=None,
           most=MOST_LABELLED):
    """Place ``net``'s neurons, lines and labels.

    ``edge_texts`` maps weight names to their labels (a weight left out gets none: a faded
    connection, say); past ``most`` connections no weight label is placed. ``notes`` maps
    neuron names to a text near the neuron (its bias, its ``out``: below or above it, where
    free); ``sides`` to a text beside it (the inputs' values left of the input neurons, the
    targets right of the outputs); ``bias_texts`` maps a shared bias's name to its box's
    text. ``font`` is the labels' size (default: from the neurons' radius).
    """
    edge_texts = dict(edge_texts or {})
    connections = _connections(net)
    if connections > most:
        edge_texts = {}
    notes, sides, bias_texts = dict(notes or {}), dict(sides or {}), dict(bias_texts or {})
    columns = [list(net.input_names)] + [[n.name for n in layer.neurons] for layer in net.layers]
    biggest = max(len(c) for c in columns)
    spacing0 = SPACING if biggest < 2 else min(SPACING, TALLEST / (biggest - 1))
    radius = max(7.0, min(32.0, spacing0 * 0.3))
    if font is None:
        font = max(11, min(22, int(radius * 0.75)))
    plan = None
    for attempt in range(ATTEMPTS):
        scale = GROW ** attempt
        plan = _attempt(net, columns, spacing0 * scale, COLUMN * scale, radius, font,
                        edge_texts, notes, sides, bias_texts)
        if plan is not None:
            break
    if plan is None:          # crowded beyond spreading: what finds no spot keeps its tooltip
        plan = _attempt(net, columns, spacing0 * scale, COLUMN * scale, radius, font,
                        edge_texts, notes, sides, bias_texts, must_fit=False)
    plan.connections = connections
    plan.labelled = bool(edge_texts) and all(
        any(lab.owner == w and lab.kind == "weight" for lab in plan.labels) for w in edge_texts)
    return plan


def _attempt(net, columns, spacing, column, r, font, edge_texts, notes, sides, bias_texts,
             must_fit=True):
    """One placement at this spacing, or None when some label found no free spot."""
    biggest = max(len(c) for c in columns)
    height = (biggest - 1) * spacing
    note_h = max((text_size(t, font - 2)[1] for t in notes.values()), default=0.0)
    label_h = text_size("w", font)[1]
    top = r + note_h + label_h + 16
    note_w = max((text_size(t, font - 2)[0] for t in notes.values()), default=0.0)
    left = max(r + 20 + max((text_size(sides[name], font - 1)[0] for name in columns[0]
                             if name in sides), default=0.0), note_w + 10)
    right = max(r + 20 + max((text_size(sides[name], font - 1)[0] for name in columns[-1]
                              if name in sides), default=0.0), note_w + 10)
    centres = {}
    for k, names in enumerate(columns):
        first = top + (height - (len(names) - 1) * spacing) / 2
        for j, name in enumerate(names):
            centres[name] = (left + k * column, first + j * spacing)
    width = left + right + (len(columns) - 1) * column
    bottom = top + height

    biases = []
    if any(layer.bias_mode == "shared" for layer in net.layers):
        bias_y = bottom + max(spacing * 0.8, 70)
        for k, layer in enumerate(net.layers):
            if layer.bias_mode != "shared":
                continue
            text = bias_texts.get(layer.bias_name, layer.bias_name)
            bw, bh = text_size(text, font)
            bw, bh = max(bw, 2 * r), max(bh, 40)
            bx = left + (k + 0.55) * column     # under the gap before its layer: steep lines
            box = Box.around(bx, bias_y, bw, bh)
            ends = tuple(((box.x1, bias_y), (centres[n.name][0] - r, centres[n.name][1]))
                         for n in layer.neurons)
            biases.append(BiasNode(layer.bias_name, box, tuple(n.name for n in layer.neurons),
                                   ends))
        bottom = bias_y + 20
    total = bottom + top

    edges = []
    senders = list(net.input_names)
    for layer in net.layers:
        for n in layer.neurons:
            for w_name, sender in zip(n.weight_names, senders):
                (x1, y1), (x2, y2) = centres[sender], centres[n.name]
                edges.append(Edge(w_name, sender, n.name, (x1 + r, y1), (x2 - r, y2)))
        senders = [n.name for n in layer.neurons]

    plan = Layout(width, total, r, font, columns,
                  ["input"] + [layer.kind for layer in net.layers], centres, edges, biases)
    canvas = Box(0, 0, width, total)
    segments = plan.segments()
    blocked = plan.obstacles()
    placed = plan.labels

    def free(box):
        if not box.inside(canvas):
            return False
        if any(box.overlaps(b) for b in blocked):
            return False
        if any(box.overlaps(lab.box, gap=2) for lab in placed):
            return False
        return not any(box.crosses(a, b) for a, b in segments)

    def place(text, owner, kind, size, candidates, nearest=None):
        """Put the label at the first free candidate (nearer to its own line than to any
        other, for a weight's); False when there is none and it must fit."""
        w, h = text_size(text, size)
        for x, y in candidates(w, h):
            box = Box.around(x, y, w, h)
            if free(box) and (nearest is None or nearest(x, y)):
                placed.append(Label(text, owner, kind, x, y, box, size))
                return True
        return not must_fit

    for name, text in sides.items():
        x, y = centres[name]
        sign = -1 if name in columns[0] else 1
        if not place(text, name, "side", font - 1,
                     lambda w, h: [(x + sign * (r + 8 + w / 2), y)]):
            return None
    for name, text in notes.items():
        x, y = centres[name]
        if not place(text, name, "note", font - 2, lambda w, h: [
                (x, y + r + 6 + h / 2), (x, y - r - 6 - h / 2),
                (x + w / 2, y + r + 6 + h / 2), (x - w / 2, y + r + 6 + h / 2),
                (x + w / 2, y - r - 6 - h / 2), (x - w / 2, y - r - 6 - h / 2)]):
            return None
    for edge in edges:
        text = edge_texts.get(edge.name)
        if text is None:
            continue
        if not place(text, edge.name, "weight", font, _beside(edge, font),
                     nearest=_nearest_is(edge, edges)):
            return None
    return plan


def _beside(edge, font):
    """Candidate centres for ``edge``'s label: at each spot along it, just off the line on
    either side (above first)."""
    (x1, y1), (x2, y2) = edge.start, edge.end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx, ny = (y2 - y1) / length, -(x2 - x1) / length      # a unit normal
    if ny > 0 or (ny == 0 and nx < 0):
        nx, ny = -nx, -ny                                  # the one pointing up
    gap = 0.2 * font

    def candidates(w, h):
        reach = w / 2 * abs(nx) + h / 2 * abs(ny) + gap
        for far in (0.0, h, 2 * h):    # just off the line, then one and two heights further
            for t in _SPOTS:
                px, py = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                for side in (1, -1):
                    yield px + side * nx * (reach + far), py + side * ny * (reach + far)
    return candidates


def _distance(x, y, start, end):
    (x1, y1), (x2, y2) = start, end
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / ((dx * dx + dy * dy) or 1.0)))
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy)


def _nearest_is(edge, edges):
    """A test that a label centred at (x, y) is nearer to ``edge`` than to any other line."""
    def nearest(x, y):
        own = _distance(x, y, edge.start, edge.end)
        return all(_distance(x, y, e.start, e.end) > own for e in edges if e is not edge)
    return nearest
