"""Formulas as small trees: the one form of every line of the hand calculation.

Each event of a step (:mod:`neurosim.events`) builds its line as a tree here (left side =
symbols = numbers = result), and every view is a writer of that one tree: plain text
(:func:`to_text`: ``str(event)``, the stepper, the text worksheet), MathML
(:mod:`neurosim.render.mathml`) and LaTeX (:mod:`neurosim.render.markdown`). A new rule is one
edit: its event's ``formula`` method. A writer is a table, node type -> how to write it
(:func:`write`), so the three writers read side by side.

The activation and loss formulas, which :mod:`neurosim.activations` and :mod:`neurosim.losses`
keep as plain text (``"1 / (1 + e^(-net))"``, ``"1/2 (target - out)^2"``), are parsed into trees
by :func:`parse`, with ``net``, ``out``, ``target`` replaced by a neuron's symbols or numbers.

>>> tree = parse("1 / (1 + e^(-net))", {"net": symbol("net_h1")})
>>> to_text(tree)
'1 / (1 + e^(-net_h1))'
>>> to_text(parse("tanh(net)", {"net": number(-0.231813456, 9)}))
'tanh(-0.231813456)'
"""

import ast
import re
from dataclasses import dataclass, make_dataclass
from typing import Optional

from .errors import ConfigurationError, FormatError
from .numbers import DIGITS, num

__all__ = ["Sym", "Num", "Row", "Frac", "Paren", "Pow", "Func", "Mul", "Neg", "Cond", "Text",
           "Matrix", "Context", "DELTA_CONVENTIONS", "delta_sign", "symbol", "partial", "number",
           "row", "joined", "equation", "parse", "written", "to_text", "join_items", "write"]


#: The two signs of delta a worksheet can be written in: neurosim's own, the sensitivity
#: delta = dE/dnet, and the error signal of many books, delta = -dE/dnet (with e = t - y:
#: Haykin, Han-Kamber-Pei's Err, Mitchell). The step is the same; only its lines' sign differs.
DELTA_CONVENTIONS = ("delta = dE/dnet", "delta = -dE/dnet")


def delta_sign(convention):
    """+1 for neurosim's ``"delta = dE/dnet"``, -1 for the books' ``"delta = -dE/dnet"``
    (spaces do not matter); anything else is a :class:`~neurosim.errors.ConfigurationError`.

    >>> delta_sign("delta = -dE/dnet"), delta_sign("delta=dE/dnet")
    (-1, 1)
    """
    squeezed = "".join(convention.split()) if isinstance(convention, str) else None
    if squeezed not in [c.replace(" ", "") for c in DELTA_CONVENTIONS]:
        raise ConfigurationError(
            f"convention must be {DELTA_CONVENTIONS[0]!r} (neurosim's delta, the default) or "
            f"{DELTA_CONVENTIONS[1]!r} (the books' error signal), got {convention!r}")
    return -1 if "-" in squeezed else 1


class Context:
    """What a line needs to know beyond its event: the ``digits`` shown, the network's number
    of outputs (the ``n`` of a mean; unknown: ``n`` stays a letter), after the update
    (``suffix="+"``) which names changed (``trained``), and the sign of delta the lines are
    written in (``convention``, one of :data:`DELTA_CONVENTIONS`).

    With ``convention="delta = -dE/dnet"`` (``sign`` -1) every delta is shown as the book's
    error signal, the step's own delta negated exactly (``-x`` is exact in floating point):
    delta = -dE/dnet, the messages delta*w = -dE/dout, dE/dw = -delta*x and, where the
    gradient of a weight is known (``gradients``: name -> its WeightGradient or BiasGradient
    event), the update w+ = w + eta*delta*x; where a neuron's factors are known (``factors``:
    neuron -> its OutputErrorDerivative or None, its BackwardMessages, its
    ActivationDerivative), delta is written as the books write it, (target - out) f'(net) at
    an output and (sum delta w) f'(net) at a hidden neuron. ``inputs`` are the network's input
    names (an input's value is itself, not an out)."""

    def __init__(self, digits=DIGITS, n_outputs=None, suffix="", trained=(),
                 convention=DELTA_CONVENTIONS[0], gradients=None, inputs=(), factors=None):
        self.digits, self.n_outputs, self.suffix = digits, n_outputs, suffix
        self.trained, self.inputs, self.sign = set(trained), set(inputs), delta_sign(convention)
        self.gradients, self.factors = dict(gradients or {}), dict(factors or {})
        self.book_sign = self.sign < 0      # delta written as the books' error signal, -dE/dnet

    @classmethod
    def of(cls, net, digits=DIGITS, suffix="", convention=DELTA_CONVENTIONS[0], gradients=None,
           factors=None):
        """The context of ``net``'s lines (``suffix="+"``: the forward pass after the update)."""
        trained = [p for p in net.parameter_names() if p.startswith("w") or net.train_biases]
        return cls(digits, len(net.output_layer.neurons), suffix, trained, convention,
                   gradients, net.input_names, factors)

    def delta(self, value):
        """A delta of the step (neurosim's dE/dnet) in the sheet's sign."""
        return self.sign * value

    def sym(self, name, kind="neuron"):
        """The symbol of a quantity, with ``+`` after the update where it changed."""
        changed = self.suffix and (kind == "neuron" or name in self.trained)
        return symbol(name + self.suffix if changed else name)

    def n(self, x, operand=True):
        return number(x, self.digits, operand)

    def value_of(self, sender, from_input):
        """What a connection from ``sender`` carries: the input itself, or its out."""
        return symbol(sender) if from_input else self.sym(f"out_{sender}")

    def loss_values(self, target, out):
        """The names of a loss formula replaced by numbers (``n`` where it is known)."""
        known = {} if self.n_outputs is None else {"n": Num(str(self.n_outputs))}
        return {"target": self.n(target), "out": self.n(out), **known}


def equation(*sides, note=None):
    """The sides joined by ``=``; a side equal to the one before it is left out (``dout/dnet
    = 1 = 1`` is ``dout/dnet = 1``); ``note`` (words) after the last."""
    kept = []
    for side in sides:      # a side on its own is no operand: -0.12, not (-0.12)
        side = Num(side.text, False) if isinstance(side, Num) else side
        if side is not None and (not kept or to_text(side) != to_text(kept[-1])):
            kept.append(side)
    return Row(joined(kept, "=").items + ((Text(note),) if note else ()))

# -- the trees ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    """A number, as the hand calculation prints it; negative ones get parentheses as operands."""
    text: str
    operand: bool = True

    @property
    def bracketed(self):
        """True for a negative operand: it is written in parentheses, ``0.5*(-0.25)``."""
        return self.operand and self.text.startswith("-")


def _node(name, fields, doc):
    return make_dataclass(name, fields, frozen=True,
                          namespace={"__doc__": doc, "__module__": __name__})


Sym = _node("Sym", ["base", ("sub", Optional[str], None), ("sup", Optional[str], None),
                     ("constant", bool, False)], """A symbol: ``base`` with an optional subscript
    and superscript (net_h1, w_5^+, delta_o1); ``constant``: written upright (e).""")
Text = _node("Text", ["text"], "Words inside a formula.")
Row = _node("Row", ["items"], """Items side by side; strings among them are operators
    (``"+"``, ``"-"``, ``"="``).""")
Frac = _node("Frac", ["num", "den"], "A fraction, ``num`` over ``den``.")
Paren = _node("Paren", ["inner"], "``inner`` in parentheses.")
Pow = _node("Pow", ["base", "exp"], "``base`` to the power ``exp``.")
Func = _node("Func", ["name", "args"], "A function applied to a tuple of ``args``.")
Mul = _node("Mul", ["left", "right", ("explicit", bool, True)],
            "A product; ``explicit`` is a written ``*`` (a dot), otherwise juxtaposition.")
Neg = _node("Neg", ["inner"], "``-inner``.")
Cond = _node("Cond", ["value", "test", "other"],
             "``value if test else other`` (ReLU and leaky ReLU).")


@dataclass(frozen=True)
class Matrix:
    """A matrix of formulas, ``rows`` of equal length; one entry per row is a column vector.

    In plain text it is written as NumPy writes arrays: ``[[0.15, 0.2], [0.25, 0.3]]``, a
    column vector as a one-dimensional array ``[0.05, 0.1]``.
    """
    rows: tuple

    @classmethod
    def of(cls, values, digits=DIGITS):
        """The matrix of numbers ``values`` (a list of rows, or a list: a column vector)."""
        rows = [row if isinstance(row, (list, tuple)) else [row] for row in values]
        return cls(tuple(tuple(number(v, digits, False) for v in row) for row in rows))


_GREEK = {"delta": "δ", "eta": "η", "lambda": "λ", "mu": "μ", "theta": "θ"}
_LATIN = {letter: name for name, letter in _GREEK.items()}
_SYMBOL = re.compile(r"^([A-Za-z]+)(\d+)$")


def symbol(name):
    """The symbol of a name of the hand calculation: ``net_h1``, ``w5+``, ``E_total``, ``b_h1``.

    >>> symbol("delta_o1")
    Sym(base='δ', sub='o1', sup=None, constant=False)
    >>> symbol("w5+")
    Sym(base='w', sub='5', sup='+', constant=False)
    """
    sup = "+" if name.endswith("+") else None
    name = name[:-1] if sup else name
    match = _SYMBOL.match(name)
    base, sub = name.split("_", 1) if "_" in name else match.groups() if match else (name, None)
    return Sym(_GREEK.get(base, base), sub or None, sup)


def partial(numerator, denominator):
    """d numerator / d denominator as a fraction of partials (names as :func:`symbol` takes)."""
    return Frac(Row(("∂", symbol(numerator))), Row(("∂", symbol(denominator))))


def number(x, digits=DIGITS, operand=True):
    """``x`` as a :class:`Num` of ``digits`` significant digits (:func:`neurosim.numbers.num`)."""
    return Num(num(x, digits), operand)


def row(*items):
    return Row(tuple(items))


def joined(nodes, op="+"):
    """nodes joined by an operator; a negative number after ``+`` keeps its parentheses."""
    nodes = list(nodes)
    return Row(tuple(nodes[:1]) + tuple(item for node in nodes[1:] for item in (op, node)))


def join_items(items, tree, note):
    """Formulas joined by commas, a note (a string) after them with a space."""
    return "".join(" " + note(item) if isinstance(item, str) else (", " if k else "") + tree(item)
                   for k, item in enumerate(items))


# -- parsing the plain-text formulas of activations and losses -----------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(\S))")
_FUNCTIONS = {"tanh", "log", "max", "exp", "ln"}
#: The formula's signs as Python writes them (a bracket the formula wrote becomes _paren_(...)).
_PYTHON = {"^": "**", "+": "+", "-": "-", "*": "*", "/": "/", ",": ",", ">": ">", "<": "<",
           ")": ")", "if": "if", "else": "else"}
_SIGNS = {ast.Add: "+", ast.Sub: "-", ast.Gt: ">", ast.Lt: "<"}


def parse(text, values=None):
    """The tree of a plain-text formula; names in ``values`` (a dict) are replaced by its trees.

    The formula is read as Python reads an expression, after three changes: ``^`` is ``**``,
    two operands side by side (``0.01 net``, ``out (1 - out)``) are a product written ``@``
    (the precedence of ``*``), and every number and name becomes a placeholder ``_v<k>`` (so
    that no word of a formula is a Python keyword); the grammar is then::

        cond := sum ['if' sum ('>'|'<') sum 'else' cond];  sum := term (('+'|'-') term)*;
        term := unary (('*'|'/') unary | unary)*;           unary := '-' unary | atom ['^' unary];
        atom := number | name | function '(' cond {',' cond} ')' | '(' cond ')'

    >>> to_text(parse("1/2 (target - out)^2", {"target": number(0.01, 9),
    ...                                         "out": number(0.75136507, 9)}))
    '1/2 (0.01 - 0.75136507)^2'
    """
    tokens = _TOKEN.findall(text)
    words = [number or name or sign for number, name, sign in tokens]
    values, python = values or {}, []
    for k, (number, name, sign) in enumerate(tokens):
        before = words[k - 1] if k else ","
        if sign and sign not in _PYTHON and sign != "(":
            raise FormatError(f"cannot read the formula {text!r}: unexpected {sign!r}")
        call = sign == "(" and before in _FUNCTIONS
        starts = (number or name or sign == "(") and words[k] not in ("if", "else")
        if starts and not call and (before == ")" or before not in _PYTHON and before != "("):
            python.append("@")                  # juxtaposed: 0.01 net, out (1 - out)
        python.append("(" if call else "_paren_(" if sign == "(" else _PYTHON.get(words[k]) or
                      (name if words[k + 1:k + 2] == ["("] and name in _FUNCTIONS else f"_v{k}"))

    def tree(node):
        kind, op = type(node), type(getattr(node, "op", None))
        if kind is ast.Name and node.id.startswith("_v"):          # a number or a name
            word = words[int(node.id[2:])]
            return Num(word) if word[0].isdigit() else values.get(
                word, Sym("e", constant=True) if word == "e" else Sym(word))
        if kind is ast.UnaryOp and op is ast.USub:
            return Neg(tree(node.operand))
        if kind is ast.BinOp and op in (ast.Add, ast.Sub):      # a + b - c: one row
            left = tree(node.left)
            chained = type(node.left) is ast.BinOp and type(node.left.op) in (ast.Add, ast.Sub)
            return Row((left.items if chained else (left,)) + (_SIGNS[op], tree(node.right)))
        if kind is ast.BinOp and op in (ast.Mult, ast.MatMult, ast.Div, ast.Pow):
            left, right = tree(node.left), tree(node.right)
            return (Frac(_bare(left), _bare(right)) if op is ast.Div else Pow(left, _bare(right))
                    if op is ast.Pow else Mul(left, right, op is ast.Mult))
        if kind is ast.Call and node.args and not node.keywords:
            args = tuple(map(tree, node.args))
            if node.func.id != "_paren_":
                return Func(node.func.id, args)
            if len(args) == 1:      # "(net)" with a number put in: its own brackets are enough
                return args[0] if isinstance(args[0], (Num, Sym)) else Paren(args[0])
        test = node.test if kind is ast.IfExp else None
        if type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) in _SIGNS:
            return Cond(tree(node.body), Row((tree(test.left), _SIGNS[type(test.ops[0])],
                                              tree(test.comparators[0]))), tree(node.orelse))
        raise FormatError(f"cannot read the formula {text!r}: expected numbers, names, "
                          f"+ - * / ^, functions and 'if ... else'")
    try:
        return tree(ast.parse(" ".join(python), mode="eval").body)
    except (SyntaxError, RecursionError, MemoryError) as error:
        raise FormatError(f"cannot read the formula {text!r}: {error}") from None


def _bare(node):
    """Parentheses around a fraction's part or an exponent are implied by the layout."""
    return node.inner if isinstance(node, Paren) else node


def written(text, values):
    """:func:`parse`, or where ``text`` is not a formula the parser reads (a user's own
    activation may write its formula any way), the text itself as words with the names in
    ``values`` replaced by their plain text: a line is never lost to its formula's spelling."""
    try:
        return parse(text, values)
    except FormatError:
        return Text(re.sub(r"[A-Za-z_]\w*", lambda m: to_text(values[m.group()])
                           if m.group() in values else m.group(), text))


# -- writing a tree ------------------------------------------------------------------------------

def write(writers, node):
    """``node`` written by the table ``writers`` (node type -> function of the node)."""
    if type(node) not in writers:
        raise TypeError(f"not a formula node: {node!r}")
    return writers[type(node)](node)


def starts_with_number(node):
    """True where a product's right factor opens with a number (then a dot, not juxtaposition,
    separates it from the left: ``2 \\cdot 3``)."""
    first = (node.left if isinstance(node, Mul) else node.base if isinstance(node, Pow)
             else node.items[0] if isinstance(node, Row) and node.items else None)
    return isinstance(node, (Num, Frac)) or first is not None and starts_with_number(first)


def bare_args(func):
    """A function's arguments; a negative number needs no parentheses of its own there."""
    return [Num(a.text, False) if isinstance(a, Num) else a for a in func.args]


def _row_text(node):
    out = ""
    for item in node.items:     # an operator spaced on both sides, once
        out = out.rstrip(" ") + f" {item} " if isinstance(item, str) and item != "∂" \
            else out + to_text(item)
    return out


def _frac_text(node):
    """A partial or a fraction of two numbers written compactly (``dE/dw5``, ``1/2``)."""
    if (isinstance(node.num, Row) and node.num.items[:1] == ("∂",)
            or isinstance(node.num, Num) and isinstance(node.den, Num)):
        return f"{to_text(node.num)}/{to_text(node.den)}"
    return f"{_text_operand(node.num)} / {_text_operand(node.den)}"


def _matrix_text(node):
    rows = [", ".join(map(to_text, row)) for row in node.rows]
    vector = all(len(row) == 1 for row in node.rows)
    return "[" + ", ".join(rows if vector else [f"[{row}]" for row in rows]) + "]"


def _text_operand(node):
    text = to_text(node)
    return f"({text})" if isinstance(node, (Row, Mul, Neg, Cond)) else text


_TEXT = {
    str: lambda n: "d" if n == "∂" else n,
    Sym: lambda n: _LATIN.get(n.base, n.base) + (f"_{n.sub}" if n.sub and not n.sub.isdigit()
                                                  else n.sub or "") + (n.sup or ""),
    Num: lambda n: f"({n.text})" if n.bracketed else n.text,
    Text: lambda n: n.text,
    Row: _row_text,
    Frac: _frac_text,
    Paren: lambda n: f"({to_text(n.inner)})",
    Pow: lambda n: f"{_text_operand(n.base)}^" + (to_text(n.exp) if isinstance(n.exp, (Sym, Num))
                                                   else f"({to_text(n.exp)})"),
    Func: lambda n: f"{n.name}({', '.join(map(to_text, bare_args(n)))})",
    Mul: lambda n: f"{to_text(n.left)}{'*' if n.explicit else ' '}{to_text(n.right)}",
    Neg: lambda n: f"-{to_text(n.inner)}",
    Matrix: _matrix_text,
    Cond: lambda n: f"{to_text(n.value)} if {to_text(n.test)} else {to_text(n.other)}",
}


def to_text(node):
    """The formula as plain text, the events' lines (``out_h1 (1 - out_h1)``)."""
    return write(_TEXT, node)
