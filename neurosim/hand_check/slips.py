"""The small slips of a hand calculation, as candidate values, and how to say them.

A hand calculation goes wrong in a few typical ways: one digit miscopied (0.3775 -> 0.3875),
a zero dropped or added (-1.5e-08 written -1.5e-09), a sign lost, two digits swapped, a factor
of 2, one number read as its neighbour's (``w11`` taking the value of ``w10``), f(net) written
where f'(net) belongs, f not applied at all. :func:`given_values` lists these variants of a
given number (a weight, an input ...); :func:`near_values` those of a computed number that come
close to the value a claim implies; :func:`difference` describes how a printed number differs
from the one it should be.

>>> difference("0.3875", 0.3775)
'one digit: the 2nd decimal, 7 -> 8'
>>> difference("-0.0000000015233151", -1.5233151e-08)
'a power of ten: one zero too many (x 0.1)'
"""

import math
from os.path import commonprefix
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from ..numbers import num

__all__ = ["given_values", "near_values", "difference", "digit_change", "fmt", "round_to",
           "ordinal"]


def fmt(x, digits=10):
    """A number short enough to read: ``fmt(0.5932699921071872)`` -> ``'0.5932699921'``."""
    return repr(x) if x == 0 or not math.isfinite(x) else num(x, digits)


def round_to(x, decimals=None, significant=None):
    """``x`` rounded half up (as by hand) to ``decimals`` places or ``significant`` digits."""
    if not math.isfinite(x) or x == 0:
        return x
    d = Decimal(repr(x))
    if significant is not None:
        decimals = significant - 1 - d.adjusted()
    with localcontext() as context:  # room for every digit kept (1e27 to 3 decimals: 31)
        context.prec = max(28, d.adjusted() + decimals + 2)
        return float(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def ordinal(k):
    """``1`` -> ``'1st'``, ``2`` -> ``'2nd'``, ``11`` -> ``'11th'``."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _place(p):
    """The name of the digit worth 10**p."""
    return f"the {ordinal(-p)} decimal" if p < 0 else {
        0: "the units digit", 1: "the tens digit", 2: "the hundreds digit"}.get(
        p, f"the digit worth 1e{p}")


def _digits(x):
    """``{power of ten: digit}`` of the shortest decimal that reads back as ``x``."""
    _, digits, exponent = Decimal(repr(abs(x))).normalize().as_tuple()
    return {exponent + len(digits) - 1 - k: digit for k, digit in enumerate(digits)}


def digit_change(v, p, delta):
    """``(value, how)``: ``v`` with its digit worth 10**p changed by ``delta``; None if that
    digit would leave 0..9."""
    old = _digits(v).get(p, 0)
    if delta == 0 or not 0 <= old + delta <= 9:
        return None
    value = Decimal(repr(v)) + Decimal(delta if v >= 0 else -delta).scaleb(p)
    return float(value), f"one digit: {_place(p)}, {old} -> {old + delta}"


# Each candidate comes with its *spacing*: how far apart slips of its kind lie near it. A
# single-digit change at 10**p has neighbours 10**p apart; a power of ten, the sign, a factor
# of 2 or a neighbour's value is one choice among few, spread over the number's own order of
# magnitude (10 |x|). The checker trusts a candidate only when the claim pins the quantity down
# to a small fraction of that spacing (see diagnose.MAX_CHANCE).


def given_values(v, others=()):
    """Variants of a given number ``v`` a reader could have written instead, each
    ``(value, how, spacing)``: every single-digit change, a power of ten, the sign, two adjacent
    digits swapped, the value of another given of the same kind (``others``: (name, value)).

    >>> sorted(set(x for x, _, _ in given_values(2.0)))[:6]
    [-2.0, 0.0, 0.2, 1.0, 3.0, 4.0]
    """
    digits = _digits(v) or {0: 0}
    found = [(*change, 10.0 ** p) for p in range(max(max(digits), 0), min(min(digits), 0) - 1, -1)
             for new in range(10) if (change := digit_change(v, p, new - digits.get(p, 0)))]
    found += [(_scaled(v, k), _power(k), 10 * abs(_scaled(v, k))) for k in (1, -1)]
    found += [(-v, "the sign flipped", 10 * abs(v))] if v else []
    found += _swaps(v) + [(value, f"the value of {name}", 10 * abs(value) or 1.0)
                          for name, value in others]
    first = {}   # the first reading of each value
    for x, how, spacing in found:
        first.setdefault(x, (how, spacing))
    return [(x, how, spacing) for x, (how, spacing) in first.items() if x != v]


def near_values(v, implied, out=None, net=None):
    """Slips of a computed number ``v`` that come close to ``implied`` (the value a claim
    needs), each ``(value, how, spacing)``: one digit, a power of ten, the sign, a factor of 2,
    adjacent digits swapped, f(net) for f'(net) (``out`` given), f not applied (``net``)."""
    found = []
    if not (math.isfinite(implied) and math.isfinite(v)) or implied == v:
        return found
    diff = implied - v
    p = math.floor(math.log10(abs(diff)))
    for q in (p, p + 1):
        delta = round(diff / 10.0 ** q) * (1 if v >= 0 else -1)
        if change := digit_change(v, q, delta):
            found.append((*change, 10.0 ** q))
    wide = 10 * abs(implied)
    if v and implied / v > 0:
        k = round(math.log10(implied / v))
        if k and abs(implied / (v * 10.0 ** k) - 1) < 0.01:
            found.append((_scaled(v, k), _power(k), wide))
        for factor, how in ((2.0, "twice the value (a factor of 2)"),
                            (0.5, "half the value (a factor of 1/2)")):
            if abs(implied / (v * factor) - 1) < 0.01:
                found.append((v * factor, how, wide))
    if v and abs(implied + v) < 0.01 * abs(v):
        found.append((-v, "the sign flipped", wide))
    others = _swaps(v, 12) + [(x, how, wide) for x, how in (
        (out, "f(net) written where f'(net) belongs"),
        (net, "the activation f not applied (net for out)")) if x is not None]
    return found + [(x, how, spacing) for x, how, spacing in others
                    if abs(x - implied) < 0.01 * abs(implied)]


def _scaled(v, k):
    """``v * 10**k`` computed in decimal, so that 0.15 x 0.1 is 0.015, not 0.015000000000000001."""
    return float(Decimal(repr(v)).scaleb(k))


def _power(k, fewer="fewer"):
    """A factor 10**k in words: ``1`` -> one zero fewer (x 10), ``-2`` -> 2 zeros too many."""
    zeros = "one zero" if abs(k) == 1 else f"{abs(k)} zeros"
    factor = {1: "10", -1: "0.1"}.get(k, f"1e{k}")
    return f"a power of ten: {zeros} {fewer if k > 0 else 'too many'} (x {factor})"


def _swaps(v, limit=None):
    """``v`` with two adjacent digits swapped: ``(value, how, spacing)`` for each pair (of the
    first ``limit`` pairs)."""
    _, digits, exponent = Decimal(repr(abs(v))).normalize().as_tuple()
    top = exponent + len(digits) - 1
    return [(math.copysign(float(Decimal((0, digits[:k] + (b, a) + digits[k + 2:], exponent))), v),
             f"two adjacent digits swapped ({a}{b} -> {b}{a})", 10.0 ** (top - k - 1))
            for k, (a, b) in enumerate(zip(digits, digits[1:]))
            if a != b and (limit is None or k < limit)]


def difference(printed, expected):
    """How the printed text differs from ``expected`` rounded to the printed digits.

    >>> difference("0.75136079", 0.7513650695523157)
    "digits '079' where '507' belongs (0.75136507)"
    >>> difference("0.29950292", 0.29950229)
    'two adjacent digits swapped (0.29950229)'
    """
    try:
        with localcontext() as context:
            context.prec = 60  # a float has 17 significant digits; a printed claim a few more
            return _difference(printed, expected)
    except InvalidOperation:  # e.g. "1.8e-211" against 0.59: no digit of one is in the other
        return f"printed {printed}, expected {fmt(expected)}"


def _difference(printed, expected):
    p = Decimal(printed)
    if not math.isfinite(expected):
        return "the expected value is not a finite number"
    e = Decimal(repr(expected))
    if p == 0 or e == 0:
        return f"printed {printed}, expected {fmt(expected)}"
    k = p.adjusted() - e.adjusted()
    if (p < 0) != (e < 0):
        if _same(abs(p), abs(e)):
            return "the sign flipped"
    elif k and _same(p, e.scaleb(k)):
        return _power(k, "too few")
    expected_text = str(abs(e).quantize(Decimal(1).scaleb(p.as_tuple().exponent),
                                        rounding=ROUND_HALF_UP))
    printed_text = str(abs(p))
    right = ("-" if e < 0 else "") + expected_text
    diffs = [k for k, (a, b) in enumerate(zip(printed_text, expected_text)) if a != b]
    k = diffs[0] if len(expected_text) == len(printed_text) and diffs else None
    if k is not None and len(diffs) == 1:
        point = printed_text.find(".") % (len(printed_text) + 1)   # no point: after the last
        return (f"one digit: {_place(point - k - (k < point))}, {expected_text[k]} -> "
                f"{printed_text[k]}")
    if k is not None and diffs[1:] == [k + 1] and \
            printed_text[k:k + 2] == expected_text[k + 1] + expected_text[k]:
        return f"two adjacent digits swapped ({right})"
    start = len(commonprefix([printed_text, expected_text]))
    end = len(commonprefix([printed_text[start:][::-1], expected_text[start:][::-1]]))
    a = printed_text[start:len(printed_text) - end]
    b = expected_text[start:len(expected_text) - end]
    return f"digits '{a}' where '{b}' belongs ({right})"


def significant_digits(d):
    """How many significant digits the Decimal ``d`` prints (at least 1: ``0.00`` has one)."""
    digits = d.as_tuple().digits
    return max(1, len(digits) - next((k for k, x in enumerate(digits) if x), len(digits)))


def _same(p, e):
    """Do ``p`` and ``e`` agree to the significant digits printed in ``p``?"""
    q = Decimal(1).scaleb(p.adjusted() - significant_digits(p) + 1)
    return abs(p - e.quantize(q, rounding=ROUND_HALF_UP)) <= q / 2
