"""A diagram you can read: no label overlaps another, no line crosses a label.

The rule (issue 15): a weight's label sits *beside* its line, so no line at all, its own
included, passes through any label's box; labels do not overlap each other; up to
MOST_LABELLED (40) connections every weight is labelled, past it none is and the caption says
the weights show on hover or selection.

The checks here do not trust the layout's own geometry: they parse the SVG the worksheet
embeds and measure every ``<text>`` with FreeType in DejaVu Sans (the font the SVG asks for),
through matplotlib's ft2font, and test segments against boxes with their own orientation
arithmetic. The matplotlib figure is checked with matplotlib's renderer (get_window_extent).
The browser's own boxes (getBBox in Chromium) are checked in tests/e2e/test_diagram_browser.py.
"""

import functools
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings, strategies as st

from geometry import boxes_overlap, distance_to_segment, line_hits_box
from neurosim import NeuralNetwork
from neurosim.render.svg import caption, diagram
from neurosim.worked_examples import SEED002_INPUTS, SEED002_TARGETS, mazur, seed002

SVG = "{http://www.w3.org/2000/svg}"


# -- independent geometry (tests/geometry.py) and font metrics ---------------------------------

_FONT = None


@functools.lru_cache(maxsize=None)
def measure(text, size):
    """(advance width, ascent, descent) of ``text`` in DejaVu Sans at ``size`` px, by FreeType."""
    global _FONT
    ft2font = pytest.importorskip("matplotlib.ft2font", reason="needs matplotlib for FreeType's "
                                  "metrics of DejaVu Sans (pip install 'neurosim[demo]')")
    from matplotlib import font_manager
    if _FONT is None:
        _FONT = ft2font.FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    _FONT.set_size(size, 72)
    width = sum(_FONT.load_char(ord(c), flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance
                for c in text) / 65536
    scale = size / _FONT.units_per_EM
    return width, _FONT.ascender * scale, -_FONT.descender * scale


def svg_geometry(svg_text):
    """The boxes of every text (x0, y0, x1, y1, text) and every line of an SVG diagram."""
    root = ET.fromstring(svg_text)
    boxes, lines = [], []
    for element in root.iter():
        if element.tag == SVG + "line" and "hit" not in element.get("class", ""):
            lines.append(((float(element.get("x1")), float(element.get("y1"))),
                          (float(element.get("x2")), float(element.get("y2")))))
        elif element.tag == SVG + "text" and element.get("class") != "on-demand":
            size = float(element.get("font-size"))
            width, ascent, descent = measure(element.text, size)
            x, y = float(element.get("x")), float(element.get("y"))
            anchor = element.get("text-anchor", "start")
            left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
            boxes.append((left, y - ascent, left + width, y + descent, element.text))
    return root, boxes, lines


def readability_problems(boxes, lines):
    problems = []
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            if boxes_overlap(a, b):
                problems.append(f"{a[4]!r} overlaps {b[4]!r}")
        for p, q in lines:
            if line_hits_box(p, q, a):
                problems.append(f"the line {p}-{q} crosses {a[4]!r}")
    return problems


def test_the_independent_geometry_can_fail():
    assert line_hits_box((0, 5), (10, 5), (4, 4, 6, 6))            # straight through
    assert line_hits_box((0, 0), (10, 10), (4, 4, 6, 6))           # diagonally
    assert not line_hits_box((0, 0), (10, 0), (4, 4, 6, 6))        # passes below
    assert not line_hits_box((0, 10), (3, 3.5), (4, 4, 6, 6))      # stops short
    assert boxes_overlap((0, 0, 2, 2, ""), (1, 1, 3, 3, ""))
    assert not boxes_overlap((0, 0, 2, 2, ""), (2.5, 0, 3, 2, ""))
    # and the old diagram, whose labels sat on their lines, fails it (w3 and w7 at 2-2-2)
    old = ('<svg xmlns="http://www.w3.org/2000/svg"><line x1="132" y1="60" x2="388" y2="210"/>'
           '<text x="230" y="112" font-size="22" text-anchor="middle">w3 = 0.25</text></svg>')
    assert readability_problems(*svg_geometry(old)[1:]) == [
        "the line (132.0, 60.0)-(388.0, 210.0) crosses 'w3 = 0.25'"]
    # a label beside another connection's line is caught as misattributed
    two = ('<svg xmlns="http://www.w3.org/2000/svg">'
           '<g data-w="w1"><line x1="0" y1="0" x2="300" y2="0"/></g>'
           '<g data-w="w2"><line x1="0" y1="100" x2="300" y2="100"/>'
           '<text x="150" y="-10" font-size="20">w2 = 1</text></g></svg>')
    assert misattributed(two) == ["w2's label is nearer to w1"]


# -- the SVG -------------------------------------------------------------------------------------

def misattributed(svg_text):
    """The weight labels whose centre is nearer to another connection's line than to their own
    (a reader would take them for that connection's)."""
    root = ET.fromstring(svg_text)
    own, labels = {}, {}
    for g in root.iter(SVG + "g"):
        if not g.get("data-w"):
            continue
        line = g.find(SVG + "line")
        own[g.get("data-w")] = ((float(line.get("x1")), float(line.get("y1"))),
                                (float(line.get("x2")), float(line.get("y2"))))
        for t in g.iter(SVG + "text"):
            if t.get("class") != "on-demand":
                width, ascent, descent = measure(t.text, float(t.get("font-size")))
                y = float(t.get("y"))
                labels[g.get("data-w")] = (float(t.get("x")), y - (ascent - descent) / 2)
    wrong = []
    for name, centre in labels.items():
        mine = distance_to_segment(centre, *own[name])
        nearer = [other for other, segment in own.items()
                  if other != name and distance_to_segment(centre, *segment) < mine]
        if nearer:
            wrong.append(f"{name}'s label is nearer to {', '.join(nearer)}")
    return wrong


def weight_labels(root):
    """The weight labels drawn on each connection (on-demand ones, shown on hover, left out)."""
    return {g.get("data-w"): [t.text for t in g.iter(SVG + "text")
                              if t.get("class") != "on-demand"]
            for g in root.iter(SVG + "g") if g.get("data-w")}


def test_mazur_2_2_2_is_readable_and_every_weight_labelled():
    svg = diagram(mazur(), inputs=[0.05, 0.1], targets=[0.01, 0.99])
    root, boxes, lines = svg_geometry(svg)
    assert readability_problems(boxes, lines) == []
    assert misattributed(svg) == []
    labels = weight_labels(root)
    assert labels["w3"] == ["w3 = 0.25"] and labels["w7"] == ["w7 = 0.5"]
    assert all(len(texts) == 1 for texts in labels.values()) and len(labels) == 8
    assert root.get("data-labels") == "all"
    assert {g.get("data-neuron") for g in root.iter(SVG + "g") if g.get("data-neuron")} == {
        "i1", "i2", "h1", "h2", "o1", "o2"}
    assert len(lines) == 8 + 4                         # 8 connections, 4 dashed bias lines


def test_seed002_2_3_2_1_is_readable():
    svg = diagram(seed002(), inputs=SEED002_INPUTS, targets=SEED002_TARGETS)
    root, boxes, lines = svg_geometry(svg)
    assert readability_problems(boxes, lines) == []
    assert misattributed(svg) == []
    labels = weight_labels(root)
    assert len(labels) == 6 + 6 + 2 and all(len(t) == 1 for t in labels.values())
    notes = [b[4] for b in boxes if b[4].startswith("b_")]
    assert sorted(notes) == ["b_h1 = 1", "b_h2 = 2", "b_h3 = 3", "b_h4 = 2", "b_h5 = 1",
                             "b_o1 = 2"]


def shapes(max_connections=40):
    def fits(sizes):
        return sum(a * b for a, b in zip(sizes, sizes[1:])) <= max_connections
    return st.lists(st.integers(1, 8), min_size=2, max_size=5).filter(fits)


@settings(max_examples=40)
@given(sizes=shapes(), seed=st.integers(0, 10**6),
       bias=st.sampled_from(["per_neuron", "shared", "none"]), sample=st.booleans())
def test_every_shape_up_to_40_connections_is_readable(sizes, seed, bias, sample):
    net = NeuralNetwork(sizes, seed=seed, bias=bias)
    inputs = [0.25 * k - 1.5 for k in range(sizes[0])] if sample else None
    targets = [1.0 / (k + 3) for k in range(sizes[-1])] if sample else None
    svg = diagram(net, inputs=inputs, targets=targets)
    root, boxes, lines = svg_geometry(svg)
    assert readability_problems(boxes, lines) == []
    assert misattributed(svg) == []
    labels = weight_labels(root)
    assert all(len(texts) == 1 for texts in labels.values()), "a connection left unlabelled"
    assert root.get("data-labels") == "all"
    assert "each connection is labelled" in caption(net)


def test_past_40_connections_the_weights_show_on_hover_and_the_caption_says_so():
    net = NeuralNetwork([4, 8, 8, 3], seed=1)
    root, boxes, lines = svg_geometry(diagram(net, inputs=[0.1, 0.2, 0.3, 0.4],
                                              targets=[0.0, 1.0, 0.0]))
    assert readability_problems(boxes, lines) == []
    assert not any(weight_labels(root).values())
    assert root.get("data-labels") == "hover"
    titles = [g.find(SVG + "title").text for g in root.iter(SVG + "g") if g.get("data-w")]
    assert len(titles) == 120 and titles[0].startswith("w1: i1 \u2192 h1, ")
    on_demand = {g.get("data-w"): [t.text for t in g.iter(SVG + "text")]
                 for g in root.iter(SVG + "g") if g.get("data-w")}
    assert len(on_demand) == 120 and all(len(t) == 1 for t in on_demand.values())
    assert on_demand["w1"][0].startswith("w1 = ")
    style = "".join(s.text for s in root.iter(SVG + "style"))
    assert "text.on-demand { display: none; }" in style and ".edge:focus text.on-demand" in style
    text = caption(net)
    assert "labelled with its weight" not in text
    assert "120 connections" in text and "point at a connection" in text
    assert "120" in caption(net, "zh")
    assert "each connection is labelled" in caption(mazur())
