"""Segments against boxes, boxes against boxes: the tests' own plane geometry, written apart
from neurosim.render.layout (which it checks) with orientation signs instead of clipping.

Boxes are (x0, y0, x1, y1, ...) tuples; extra items (a label's text) are ignored.
"""


def _orient(a, b, c):
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(p, q, r, s):
    """Proper or touching intersection of segments pq and rs (orientation signs)."""
    d1, d2, d3, d4 = _orient(r, s, p), _orient(r, s, q), _orient(p, q, r), _orient(p, q, s)
    return (d1 * d2 <= 0) and (d3 * d4 <= 0) and not (d1 == d2 == 0)


def line_hits_box(p, q, box):
    x0, y0, x1, y1 = box[:4]
    inside = [x0 < x < x1 and y0 < y < y1 for x, y in (p, q)]
    if any(inside):
        return True
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return any(_segments_cross(p, q, corners[k], corners[(k + 1) % 4]) for k in range(4))


def boxes_overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def distance_to_segment(point, p, q):
    """The distance from ``point`` to the segment pq (the nearest point of it, ends included)."""
    (x, y), (x1, y1), (x2, y2) = point, p, q
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    t = 0.0 if not length2 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length2))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5
