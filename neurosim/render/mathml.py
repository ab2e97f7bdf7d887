"""Formulas (the trees of :mod:`neurosim.formula`) written as MathML Core.

>>> from neurosim.formula import symbol
>>> to_mathml(symbol("w5+"))
'<msubsup><mi>w</mi><mn>5</mn><mo>+</mo></msubsup>'
"""

from xml.sax import saxutils

from ..formula import (Cond, Frac, Func, Matrix, Mul, Neg, Num, Paren, Pow, Row, Sym, Text,
                       bare_args, starts_with_number, write)

__all__ = ["to_mathml", "math_inline", "escape"]


def escape(text):
    """Text for XML: ``&``, ``<``, ``>`` and quotes escaped (element text and attributes)."""
    return saxutils.escape(text, {'"': "&quot;"})


_OPS = {"-": "\u2212", "*": "\u22c5", ">": "&gt;", "<": "&lt;", "=": "=", "Σ": "\u2211",
        "⊙": "\u2299", "∂": "\u2202"}


def _mn(text):
    """A number: minus sign and exponent (1e-05 -> 1 x 10^-5) as mathematics."""
    # The sign opens its own mrow, so that it is a prefix operator (no space after it).
    sign = "<mo>\u2212</mo>" if text.startswith("-") else ""
    text = text.lstrip("-")
    if "e" in text:
        mantissa, exp = text.split("e")     # the exponent a number itself: 1e-05 -> 10^-5
        return (f"<mrow>{sign}<mn>{mantissa}</mn><mo>\u00d7</mo><msup><mn>10</mn>"
                f"{_mn(str(int(exp)))}</msup></mrow>")
    return f"<mrow>{sign}<mn>{text}</mn></mrow>" if sign else f"<mn>{text}</mn>"


def _mi(text):
    return f"<mn>{text}</mn>" if text.isdigit() else f"<mi>{escape(text)}</mi>"


def _fenced(inner):
    """MathML in parentheses."""
    return f"<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>"


def _sym(node):
    base = (f'<mi mathvariant="normal">{escape(node.base)}</mi>' if node.constant
            else _mi(node.base))
    sup = node.sup and (f"<mo>{escape(node.sup)}</mo>" if node.sup == "+" else _mi(node.sup))
    tag = "m" + "sub" * bool(node.sub) + "sup" * bool(node.sup)     # msub, msup, msubsup
    return base if tag == "m" else \
        f"<{tag}>{base}{_mi(node.sub) if node.sub else ''}{sup or ''}</{tag}>"


def _pow(node):
    base = to_mathml(node.base)
    if isinstance(node.base, (Row, Mul, Neg, Frac, Cond)) or (
            isinstance(node.base, Num) and node.base.text.startswith("-")):
        base = _fenced(base)
    return f"<msup>{base}{_wrap(node.exp)}</msup>"


def _neg(node):
    negative = isinstance(node.inner, Num) and node.inner.text.startswith("-")
    inner = _fenced(_mn(node.inner.text)) if negative else to_mathml(node.inner)
    return f"<mrow><mo>\u2212</mo>{inner}</mrow>"


def _cells(rows):
    return "".join("<mtr>" + "".join(f"<mtd>{cell}</mtd>" for cell in row) + "</mtr>"
                   for row in rows)


_MATHML = {
    str: lambda n: f"<mo>{_OPS.get(n, escape(n))}</mo>",
    Sym: _sym,
    Num: lambda n: _fenced(_mn(n.text)) if n.bracketed else _mn(n.text),
    Text: lambda n: f"<mtext>{escape(n.text.replace('->', '→')).replace(' ', '&#xa0;')}</mtext>",
    Row: lambda n: "<mrow>" + "".join(map(to_mathml, n.items)) + "</mrow>",
    Frac: lambda n: f"<mfrac>{_wrap(n.num)}{_wrap(n.den)}</mfrac>",
    Paren: lambda n: _fenced(to_mathml(n.inner)),
    Pow: _pow,
    Func: lambda n: (f"<mrow><mi>{escape(n.name)}</mi><mo>&#x2061;</mo>"
                     + _fenced("<mo>,</mo>".join(map(to_mathml, bare_args(n)))) + "</mrow>"),
    Mul: lambda n: (f"<mrow>{to_mathml(n.left)}<mo>"
                    + ("\u22c5" if n.explicit or starts_with_number(n.right) else "&#x2062;")
                    + f"</mo>{to_mathml(n.right)}</mrow>"),
    Neg: _neg,
    Matrix: lambda n: ("<mrow><mo>[</mo><mtable>" + _cells([map(to_mathml, row) for row in n.rows])
                       + "</mtable><mo>]</mo></mrow>"),
    Cond: lambda n: ('<mrow><mo>{</mo><mtable columnalign="left">' + _cells([
        [to_mathml(n.value), f"<mtext>if&#xa0;</mtext>{to_mathml(n.test)}"],
        [to_mathml(n.other), "<mtext>otherwise</mtext>"]]) + "</mtable></mrow>"),
}


def to_mathml(node):
    """The formula as MathML Core elements (no ``<math>`` wrapper)."""
    return write(_MATHML, node)


def _wrap(node):
    """One MathML element for a fraction's part or an exponent."""
    text = to_mathml(node)
    return text if not isinstance(node, str) else f"<mrow>{text}</mrow>"


def math_inline(node):
    return f"<math>{to_mathml(node)}</math>"
