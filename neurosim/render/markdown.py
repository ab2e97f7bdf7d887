"""The worksheet as Markdown: headings, prose with inline ``$...$`` math, and one ``$$ ... $$``
LaTeX block per line of the calculation, as the seed blog posts write them.

Symbols follow Mazur's typesetting: ``\\mathrm{net}_{h1}``, ``E_{\\mathrm{total}}``, ``w_{5}^{+}``,
partials as ``\\frac{\\partial E_{\\mathrm{total}}}{\\partial w_{5}}``.

>>> from neurosim.formula import partial
>>> to_latex(partial("E_total", "w5"))
'\\\\frac{\\\\partial E_{\\\\mathrm{total}}}{\\\\partial w_{5}}'
"""

from ..formula import (Cond, Frac, Func, Matrix, Mul, Neg, Num, Paren, Pow, Row, Sym, Text,
                       bare_args, join_items, starts_with_number, write)

__all__ = ["to_latex", "to_markdown"]

_GREEK = {"⊙": r"\odot", "δ": r"\delta", "η": r"\eta", "λ": r"\lambda", "μ": r"\mu",
          "θ": r"\theta", "Σ": r"\sum"}
_OPS = {"*": r"\cdot", "⊙": r"\odot", "∂": r"\partial ", "Σ": r"\sum"}
_SPECIAL = str.maketrans({"\\": r"\backslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}",
                         "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}"})
_FUNCTIONS = {"log": r"\log", "tanh": r"\tanh", "max": r"\max", "exp": r"\exp", "ln": r"\ln"}


def _name(text):
    if text in _GREEK:
        return _GREEK[text]
    tex = text.translate(_SPECIAL)
    return tex if len(text) == 1 or text.isdigit() else rf"\mathrm{{{tex}}}"


def _number(text):
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    if "e" in text:
        mantissa, exp = text.split("e")
        return rf"{sign}{mantissa} \times 10^{{{int(exp)}}}"
    return sign + text


def _fenced(latex):
    """LaTeX in parentheses that grow with it."""
    return rf"\left({latex}\right)"


def _sym(node):
    base = _name(node.base) if not node.constant else r"\mathrm{e}"
    return (base + (f"_{{{_name(node.sub)}}}" if node.sub else "")
            + (f"^{{{node.sup}}}" if node.sup else ""))


def _row(node):
    return "".join(to_latex(item) if item == "∂" or not isinstance(item, str)
                   else f" {to_latex(item)} " for item in node.items).strip()


def _pow(node):
    base = to_latex(node.base)
    return "{" + (_fenced(base) if isinstance(node.base, (Row, Mul, Neg, Frac, Cond)) else base) \
        + f"}}^{{{to_latex(node.exp)}}}"


def _neg(node):
    negative = isinstance(node.inner, Num) and node.inner.text.startswith("-")
    return "-" + (_fenced(_number(node.inner.text)) if negative else to_latex(node.inner))


_LATEX = {
    str: lambda n: _OPS.get(n, n.translate(_SPECIAL)),
    Sym: _sym,
    Num: lambda n: _fenced(_number(n.text)) if n.bracketed else _number(n.text),
    Text: lambda n: _GREEK.get(n.text.strip(), None) or rf"\text{{{n.text.translate(_SPECIAL)}}}",
    Row: _row,
    Frac: lambda n: rf"\frac{{{to_latex(n.num)}}}{{{to_latex(n.den)}}}",
    Paren: lambda n: _fenced(to_latex(n.inner)),
    Pow: _pow,
    Func: lambda n: _FUNCTIONS.get(n.name, rf"\operatorname{{{n.name.translate(_SPECIAL)}}}")
    + _fenced(", ".join(map(to_latex, bare_args(n)))),
    Mul: lambda n: f"{to_latex(n.left)} "
    + (r"\cdot " if n.explicit or starts_with_number(n.right) else r"\,") + to_latex(n.right),
    Neg: _neg,
    Matrix: lambda n: r"\begin{bmatrix} " + r" \\ ".join(" & ".join(map(to_latex, row))
                                                        for row in n.rows) + r" \end{bmatrix}",
    Cond: lambda n: (rf"\begin{{cases}} {to_latex(n.value)} & \text{{if }} {to_latex(n.test)}"
                     rf" \\ {to_latex(n.other)} & \text{{otherwise}} \end{{cases}}"),
}


def to_latex(node):
    """The formula as LaTeX (math mode, no delimiters)."""
    return write(_LATEX, node)


def _segments(segments):
    return "".join(s if isinstance(s, str) else f"${to_latex(s)}$" for s in segments)


def write_blocks(sheet, writers):
    """The sheet's blocks (a :class:`~neurosim.render.worksheet.Sheet`) as lines of text, each
    written by ``writers[kind]`` (a list of lines)."""
    return [line for kind, content in sheet.blocks for line in writers[kind](content)]


def given_lines(givens, lang, segments, formula, bullet=""):
    """The givens, a label a line: the formulas joined by commas (a note after them), the
    rules by semicolons; ``segments`` and ``formula`` write prose and a formula."""
    colon = "：" if lang == "zh" else ": "
    return [f"{bullet}{label}{colon}" + ("; ".join(map(segments, items))
                                         if items and isinstance(items[0], list)
                                         else join_items(items, formula, str))
            for label, items in givens]


def to_markdown(sheet):
    """The worksheet (a :class:`~neurosim.render.worksheet.Sheet`) as Markdown."""
    first, *rest = sheet.subtitle          # the network's repr, as code
    head = [f"# {sheet.title}", "", f"`{first}`" + _segments(rest)]
    return "\n".join(head + write_blocks(sheet, {
        "h2": lambda heading: ["", f"## {heading}"],
        "h3": lambda heading: ["", f"### {heading}"],
        "p": lambda segments: ["", _segments(segments)],
        "line": lambda line: ["", f"$$ {to_latex(line.formula)} $$"],
        "givens": lambda givens: [""] + given_lines(givens, sheet.lang, _segments,
                                                    lambda tree: f"${to_latex(tree)}$", "- "),
    })) + "\n"
