"""Formulas (the trees of :mod:`neurosim.formula`) written as MathML Core.

>>> from neurosim.formula import symbol
>>> to_mathml(symbol("w5+"))
'<msubsup><mi>w</mi><mn>5</mn><mo>+</mo></msubsup>'
"""

from ..formula import (Cond, Frac, Func, Matrix, Mul, Neg, Num, Paren, Pow, Row, Sym, Text,
                       bare_args, starts_with_number)

__all__ = ["to_mathml", "math_inline", "escape"]


# -- MathML ------------------------------------------------------------------------------------

def escape(text):
    """Text for XML: ``&``, ``<``, ``>`` and quotes escaped."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


_OPS = {"-": "\u2212", "*": "\u22c5", ">": "&gt;", "<": "&lt;", "=": "=", "Σ": "\u2211",
        "⊙": "\u2299"}


def _mn(text):
    """A number: minus sign and exponent (1e-05 -> 1 x 10^-5) as mathematics."""
    # The sign opens its own mrow, so that it is a prefix operator (no space after it).
    sign = ""
    if text.startswith("-"):
        sign, text = "<mo>\u2212</mo>", text[1:]
    if "e" in text:
        mantissa, exp = text.split("e")
        exp = str(int(exp))
        exp_ml = f"<mrow><mo>\u2212</mo><mn>{exp[1:]}</mn></mrow>" if exp.startswith("-") \
            else f"<mn>{exp}</mn>"
        body = f"<mn>{mantissa}</mn><mo>\u00d7</mo><msup><mn>10</mn>{exp_ml}</msup>"
        return f"<mrow>{sign}{body}</mrow>"
    return f"<mrow>{sign}<mn>{text}</mn></mrow>" if sign else f"<mn>{text}</mn>"


def _mi(text):
    if text.isdigit():
        return f"<mn>{text}</mn>"
    return f"<mi>{escape(text)}</mi>"


def to_mathml(node):
    """The formula as MathML Core elements (no ``<math>`` wrapper)."""
    if isinstance(node, str):
        if node == "∂":
            return "<mo>\u2202</mo>"
        return f"<mo>{_OPS.get(node, escape(node))}</mo>"
    if isinstance(node, Sym):
        base = (f'<mi mathvariant="normal">{escape(node.base)}</mi>' if node.constant
                else _mi(node.base))
        sup = node.sup and (f"<mo>{escape(node.sup)}</mo>" if node.sup == "+" else _mi(node.sup))
        if node.sub and node.sup:
            return f"<msubsup>{base}{_mi(node.sub)}{sup}</msubsup>"
        if node.sub:
            return f"<msub>{base}{_mi(node.sub)}</msub>"
        if node.sup:
            return f"<msup>{base}{sup}</msup>"
        return base
    if isinstance(node, Num):
        inner = _mn(node.text)
        if node.operand and node.text.startswith("-"):
            return f"<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>"
        return inner
    if isinstance(node, Text):
        text = escape(node.text.replace("->", "\u2192")).replace(" ", "&#xa0;")
        return f"<mtext>{text}</mtext>"
    if isinstance(node, Row):
        return "<mrow>" + "".join(to_mathml(i) for i in node.items) + "</mrow>"
    if isinstance(node, Frac):
        return f"<mfrac>{_wrap(node.num)}{_wrap(node.den)}</mfrac>"
    if isinstance(node, Paren):
        return f"<mrow><mo>(</mo>{to_mathml(node.inner)}<mo>)</mo></mrow>"
    if isinstance(node, Pow):
        base = to_mathml(node.base)
        if isinstance(node.base, (Row, Mul, Neg, Frac, Cond)) or (
                isinstance(node.base, Num) and node.base.text.startswith("-")):
            base = f"<mrow><mo>(</mo>{to_mathml(node.base)}<mo>)</mo></mrow>"
        return f"<msup>{base}{_wrap(node.exp)}</msup>"
    if isinstance(node, Func):
        args = "<mo>,</mo>".join(to_mathml(a) for a in bare_args(node))
        return (f"<mrow><mi>{escape(node.name)}</mi><mo>&#x2061;</mo>"
                f"<mrow><mo>(</mo>{args}<mo>)</mo></mrow></mrow>")
    if isinstance(node, Mul):
        dot = node.explicit or starts_with_number(node.right)
        op = "<mo>\u22c5</mo>" if dot else "<mo>&#x2062;</mo>"
        return f"<mrow>{to_mathml(node.left)}{op}{to_mathml(node.right)}</mrow>"
    if isinstance(node, Neg):
        inner = to_mathml(node.inner)
        if isinstance(node.inner, Num) and node.inner.text.startswith("-"):
            inner = f"<mrow><mo>(</mo>{_mn(node.inner.text)}<mo>)</mo></mrow>"
        return f"<mrow><mo>\u2212</mo>{inner}</mrow>"
    if isinstance(node, Matrix):
        rows = "".join("<mtr>" + "".join(f"<mtd>{to_mathml(e)}</mtd>" for e in row) + "</mtr>"
                       for row in node.rows)
        return f"<mrow><mo>[</mo><mtable>{rows}</mtable><mo>]</mo></mrow>"
    if isinstance(node, Cond):
        return ("<mrow><mo>{</mo><mtable columnalign=\"left\">"
                f"<mtr><mtd>{to_mathml(node.value)}</mtd><mtd><mtext>if&#xa0;</mtext>"
                f"{to_mathml(node.test)}</mtd></mtr>"
                f"<mtr><mtd>{to_mathml(node.other)}</mtd><mtd><mtext>otherwise</mtext></mtd>"
                "</mtr></mtable></mrow>")
    raise TypeError(f"not a formula node: {node!r}")


def _wrap(node):
    """One MathML element for a fraction's part or an exponent."""
    text = to_mathml(node)
    return text if not isinstance(node, str) else f"<mrow>{text}</mrow>"


def math_inline(node):
    return f"<math>{to_mathml(node)}</math>"

