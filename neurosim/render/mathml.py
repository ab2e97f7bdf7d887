"""Formulas as small trees, written as MathML (here), LaTeX (:mod:`neurosim.render.markdown`)
or plain text.

The worksheet builds one tree per line of the hand calculation; the activation and loss formulas,
which :mod:`neurosim.activations` and :mod:`neurosim.losses` keep as plain text
(``"1 / (1 + e^(-net))"``, ``"1/2 (target - out)^2"``), are parsed into trees by
:func:`parse`, with ``net``, ``out``, ``target`` replaced by a neuron's symbols or numbers.

>>> tree = parse("1 / (1 + e^(-net))", {"net": symbol("net_h1")})
>>> to_text(tree)
'1 / (1 + e^(-net_h1))'
>>> to_mathml(symbol("w5+"))
'<msubsup><mi>w</mi><mn>5</mn><mo>+</mo></msubsup>'
"""

import re
from dataclasses import dataclass
from typing import Optional, Tuple

from ..errors import FormatError
from ..events import num

__all__ = ["Sym", "Num", "Row", "Frac", "Paren", "Pow", "Func", "Mul", "Neg", "Cond", "Text",
           "symbol", "partial", "number", "parse", "to_mathml", "to_text", "math_block",
           "math_inline", "escape", "join_items"]


# -- the trees ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sym:
    """A symbol: ``base`` with an optional subscript and superscript (net_h1, w_5^+, delta_o1)."""
    base: str
    sub: Optional[str] = None
    sup: Optional[str] = None
    constant: bool = False  # e (upright)


@dataclass(frozen=True)
class Num:
    """A number, as the hand calculation prints it; negative ones get parentheses as operands."""
    text: str
    operand: bool = True


@dataclass(frozen=True)
class Text:
    """Words inside a formula."""
    text: str


@dataclass(frozen=True)
class Row:
    """Items side by side; strings among them are operators (``"+"``, ``"-"``, ``"="``)."""
    items: Tuple


@dataclass(frozen=True)
class Frac:
    num: object
    den: object


@dataclass(frozen=True)
class Paren:
    inner: object


@dataclass(frozen=True)
class Pow:
    base: object
    exp: object


@dataclass(frozen=True)
class Func:
    name: str
    args: Tuple


@dataclass(frozen=True)
class Mul:
    """A product; ``explicit`` is a written ``*`` (a dot), otherwise juxtaposition."""
    left: object
    right: object
    explicit: bool = True


@dataclass(frozen=True)
class Neg:
    inner: object


@dataclass(frozen=True)
class Cond:
    """``value if test else other`` (ReLU and leaky ReLU)."""
    value: object
    test: object
    other: object


_GREEK = {"delta": "δ", "eta": "η", "lambda": "λ", "mu": "μ", "theta": "θ"}
_SYMBOL = re.compile(r"^([A-Za-z]+)(\d+)$")


def symbol(name):
    """The symbol of a name of the hand calculation: ``net_h1``, ``w5+``, ``E_total``, ``b_h1``.

    >>> symbol("delta_o1")
    Sym(base='δ', sub='o1', sup=None, constant=False)
    >>> symbol("w5+")
    Sym(base='w', sub='5', sup='+', constant=False)
    """
    sup = None
    if name.endswith("+"):
        name, sup = name[:-1], "+"
    if "_" in name:
        base, sub = name.split("_", 1)
    else:
        match = _SYMBOL.match(name)
        base, sub = (match.group(1), match.group(2)) if match else (name, None)
    return Sym(_GREEK.get(base, base), sub or None, sup)


def partial(numerator, denominator):
    """d numerator / d denominator as a fraction of partials (names as :func:`symbol` takes)."""
    return Frac(Row(("∂", symbol(numerator))), Row(("∂", symbol(denominator))))


def number(x, digits, operand=True):
    return Num(num(x, digits), operand)


def row(*items):
    return Row(tuple(items))


def joined(nodes, op="+"):
    """nodes joined by an operator; a negative number after ``+`` keeps its parentheses."""
    items = []
    for k, node in enumerate(nodes):
        if k:
            items.append(op)
        items.append(node)
    return Row(tuple(items))


def join_items(items, tree, note):
    """Formulas joined by commas, a note (a string) after them with a space."""
    out = ""
    for k, item in enumerate(items):
        if isinstance(item, str):
            out += " " + note(item)
        else:
            out += (", " if k else "") + tree(item)
    return out


# -- parsing the plain-text formulas of activations and losses -----------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(.))")
_FUNCTIONS = {"tanh", "log", "max", "exp", "ln"}


def _tokens(text):
    out = []
    for match in _TOKEN.finditer(text):
        number_, name, op = match.groups()
        if number_ is not None:
            out.append(("num", number_))
        elif name is not None:
            out.append(("name", name))
        elif op is not None and not op.isspace():
            out.append(("op", op))
    return out


class _Parser:
    """Recursive descent over: cond := sum ['if' sum ('>'|'<') sum 'else' sum];
    sum := term (('+'|'-') term)*; term := unary (('*'|'/') unary | unary)*;
    unary := '-' unary | power; power := atom ['^' unary]; atom := number | name ['(' args ')']
    | '(' cond ')'."""

    def __init__(self, text, values):
        self.text = text
        self.tokens = _tokens(text)
        self.k = 0
        self.values = values

    def peek(self):
        return self.tokens[self.k] if self.k < len(self.tokens) else (None, None)

    def take(self, value=None):
        token = self.peek()
        if token[0] is None or (value is not None and token[1] != value):
            raise FormatError(f"cannot read the formula {self.text!r}: expected {value!r} at "
                              f"token {self.k + 1}")
        self.k += 1
        return token

    def parse(self):
        node = self.cond()
        if self.peek()[0] is not None:
            raise FormatError(f"cannot read the formula {self.text!r}: unexpected "
                              f"{self.peek()[1]!r}")
        return node

    def cond(self):
        value = self.sum()
        if self.peek() == ("name", "if"):
            self.take()
            left = self.sum()
            op = self.take()[1]
            test = row(left, op, self.sum())
            self.take("else")
            return Cond(value, test, self.sum())
        return value

    def sum(self):
        items = [self.term()]
        while self.peek() in (("op", "+"), ("op", "-")):
            items.append(self.take()[1])
            items.append(self.term())
        return items[0] if len(items) == 1 else Row(tuple(items))

    def term(self):
        node = self.unary()
        while True:
            kind, value = self.peek()
            if (kind, value) == ("op", "*"):
                self.take()
                node = Mul(node, self.unary(), True)
            elif (kind, value) == ("op", "/"):
                self.take()
                node = Frac(_bare(node), _bare(self.unary()))
            elif kind in ("num", "name") and value not in ("if", "else") or \
                    (kind, value) == ("op", "("):
                node = Mul(node, self.unary(), False)
            else:
                return node

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            return Neg(self.unary())
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == ("op", "^"):
            self.take()
            return Pow(base, _bare(self.unary()))
        return base

    def atom(self):
        kind, value = self.take()
        if kind == "num":
            return Num(value)
        if kind == "name":
            if value in _FUNCTIONS and self.peek() == ("op", "("):
                self.take("(")
                args = [self.cond()]
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.cond())
                self.take(")")
                return Func(value, tuple(args))
            if value in self.values:
                return self.values[value]
            if value == "e":
                return Sym("e", constant=True)
            return Sym(value)
        if value == "(":
            inner = self.cond()
            self.take(")")
            return Paren(inner)
        raise FormatError(f"cannot read the formula {self.text!r}: unexpected {value!r}")


def _bare(node):
    """Parentheses around a fraction's part or an exponent are implied by the layout."""
    return node.inner if isinstance(node, Paren) else node


def parse(text, values=None):
    """The tree of a plain-text formula; names in ``values`` (a dict) are replaced by its trees.

    >>> to_text(parse("1/2 (target - out)^2", {"target": number(0.01, 9),
    ...                                         "out": number(0.75136507, 9)}))
    '1/2 (0.01 - 0.75136507)^2'
    """
    return _Parser(text, values or {}).parse()


# -- plain text --------------------------------------------------------------------------------

def starts_with_number(node):
    while True:
        if isinstance(node, Num):
            return True
        if isinstance(node, Mul):
            node = node.left
        elif isinstance(node, Pow):
            node = node.base
        elif isinstance(node, Row) and node.items:
            node = node.items[0]
        elif isinstance(node, Frac):
            return True
        else:
            return False


def to_text(node):
    """The formula in the plain text of the events' lines (``out_h1 (1 - out_h1)``)."""
    if isinstance(node, str):
        return {"∂": "d"}.get(node, node)
    if isinstance(node, Sym):
        base = {"δ": "delta", "η": "eta", "λ": "lambda", "μ": "mu"}.get(node.base, node.base)
        return base + (f"_{node.sub}" if node.sub and not node.sub.isdigit() else node.sub or "") \
            + (node.sup or "")
    if isinstance(node, Num):
        return f"({node.text})" if node.operand and node.text.startswith("-") else node.text
    if isinstance(node, Text):
        return node.text
    if isinstance(node, Row):
        out = ""
        for item in node.items:
            text = to_text(item)
            if isinstance(item, str) and item != "∂":
                out = out.rstrip(" ") + f" {text} "
            else:
                out += text
        return out
    if isinstance(node, Frac):
        if isinstance(node.num, Row) and node.num.items[:1] == ("∂",):
            return f"{to_text(node.num)}/{to_text(node.den)}"
        if isinstance(node.num, Num) and isinstance(node.den, Num):
            return f"{to_text(node.num)}/{to_text(node.den)}"
        return f"{_text_operand(node.num)} / {_text_operand(node.den)}"
    if isinstance(node, Paren):
        return f"({to_text(node.inner)})"
    if isinstance(node, Pow):
        exp = to_text(node.exp)
        exp = exp if isinstance(node.exp, (Sym, Num)) else f"({exp})"
        return f"{_text_operand(node.base)}^{exp}"
    if isinstance(node, Func):
        return f"{node.name}({', '.join(to_text(a) for a in bare_args(node))})"
    if isinstance(node, Mul):
        return f"{to_text(node.left)}{'*' if node.explicit else ' '}{to_text(node.right)}"
    if isinstance(node, Neg):
        return f"-{to_text(node.inner)}"
    if isinstance(node, Cond):
        return f"{to_text(node.value)} if {to_text(node.test)} else {to_text(node.other)}"
    raise TypeError(f"not a formula node: {node!r}")


def bare_args(func):
    """A function's arguments; a negative number needs no parentheses of its own there."""
    return [Num(a.text, False) if isinstance(a, Num) else a for a in func.args]


def _text_operand(node):
    text = to_text(node)
    return f"({text})" if isinstance(node, (Row, Mul, Neg, Cond)) else text


# -- MathML ------------------------------------------------------------------------------------

def escape(text):
    """Text for XML: ``&``, ``<``, ``>`` and quotes escaped."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


_OPS = {"-": "\u2212", "*": "\u22c5", ">": "&gt;", "<": "&lt;", "=": "=", "Σ": "\u2211"}


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
        if node.sub and node.sup:
            return f"<msubsup>{base}{_mi(node.sub)}<mo>{escape(node.sup)}</mo></msubsup>"
        if node.sub:
            return f"<msub>{base}{_mi(node.sub)}</msub>"
        if node.sup:
            return f"<msup>{base}<mo>{escape(node.sup)}</mo></msup>"
        return base
    if isinstance(node, Num):
        inner = _mn(node.text)
        if node.operand and node.text.startswith("-"):
            return f"<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>"
        return inner
    if isinstance(node, Text):
        return f"<mtext>{escape(node.text)}</mtext>"
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


def math_block(node, label=None):
    """A displayed ``<math>`` element; ``label`` becomes its ``alttext`` (the plain line)."""
    alt = f' alttext="{escape(label)}"' if label else ""
    return f'<math display="block"{alt}>{to_mathml(node)}</math>'


def math_inline(node):
    return f"<math>{to_mathml(node)}</math>"
