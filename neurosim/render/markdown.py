"""The worksheet as Markdown: headings, prose with inline ``$...$`` math, and one ``$$ ... $$``
LaTeX block per line of the calculation, as the seed blog posts write them.

Symbols follow Mazur's typesetting: ``\\mathrm{net}_{h1}``, ``E_{\\mathrm{total}}``, ``w_{5}^{+}``,
partials as ``\\frac{\\partial E_{\\mathrm{total}}}{\\partial w_{5}}``.

>>> from neurosim.formula import partial
>>> to_latex(partial("E_total", "w5"))
'\\\\frac{\\\\partial E_{\\\\mathrm{total}}}{\\\\partial w_{5}}'
"""

from ..formula import (Cond, Frac, Func, Matrix, Mul, Neg, Num, Paren, Pow, Row, Sym, Text,
                       bare_args, join_items, starts_with_number)

__all__ = ["to_latex", "to_markdown"]

_GREEK = {"⊙": r"\odot", "δ": r"\delta", "η": r"\eta", "λ": r"\lambda", "μ": r"\mu", "θ": r"\theta", "Σ": r"\sum"}
_OPS = {"-": "-", "*": r"\cdot", "⊙": r"\odot", ">": ">", "<": "<", "=": "=", "+": "+",
        "∂": r"\partial ", "Σ": r"\sum"}
_SPECIAL = {"\\": r"\backslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
            "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}"}


def _escape(text):
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def _name(text):
    if text in _GREEK:
        return _GREEK[text]
    if len(text) == 1 or text.isdigit():
        return _escape(text)
    return rf"\mathrm{{{_escape(text)}}}"


def _number(text):
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    if "e" in text:
        mantissa, exp = text.split("e")
        return rf"{sign}{mantissa} \times 10^{{{int(exp)}}}"
    return sign + text


def to_latex(node):
    """The formula as LaTeX (math mode, no delimiters)."""
    if isinstance(node, str):
        return _OPS.get(node, _escape(node))
    if isinstance(node, Sym):
        base = _name(node.base) if not node.constant else r"\mathrm{e}"
        sub = f"_{{{_name(node.sub)}}}" if node.sub else ""
        sup = f"^{{{node.sup}}}" if node.sup else ""
        return base + sub + sup
    if isinstance(node, Num):
        text = _number(node.text)
        return rf"\left({text}\right)" if node.operand and node.text.startswith("-") else text
    if isinstance(node, Text):
        return _GREEK.get(node.text.strip(), None) or rf"\text{{{_escape(node.text)}}}"
    if isinstance(node, Row):
        out = []
        for item in node.items:
            text = to_latex(item)
            out.append(text if item == "∂" else (f" {text} " if isinstance(item, str) else text))
        return "".join(out).strip()
    if isinstance(node, Frac):
        return rf"\frac{{{to_latex(node.num)}}}{{{to_latex(node.den)}}}"
    if isinstance(node, Paren):
        return rf"\left({to_latex(node.inner)}\right)"
    if isinstance(node, Pow):
        base = to_latex(node.base)
        if isinstance(node.base, (Row, Mul, Neg, Frac, Cond)):
            base = rf"\left({base}\right)"
        return f"{{{base}}}^{{{to_latex(node.exp)}}}"
    if isinstance(node, Func):
        args = ", ".join(to_latex(a) for a in bare_args(node))
        name = {"log": r"\log", "tanh": r"\tanh", "max": r"\max", "exp": r"\exp",
                "ln": r"\ln"}.get(node.name, rf"\operatorname{{{_escape(node.name)}}}")
        return rf"{name}\left({args}\right)"
    if isinstance(node, Mul):
        dot = node.explicit or starts_with_number(node.right)
        op = r"\cdot " if dot else r"\,"
        return f"{to_latex(node.left)} {op}{to_latex(node.right)}"
    if isinstance(node, Neg):
        inner = to_latex(node.inner)
        if isinstance(node.inner, Num) and node.inner.text.startswith("-"):
            inner = rf"\left({_number(node.inner.text)}\right)"
        return f"-{inner}"
    if isinstance(node, Matrix):
        rows = r" \\ ".join(" & ".join(to_latex(e) for e in row) for row in node.rows)
        return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"
    if isinstance(node, Cond):
        return (rf"\begin{{cases}} {to_latex(node.value)} & \text{{if }} {to_latex(node.test)}"
                rf" \\ {to_latex(node.other)} & \text{{otherwise}} \end{{cases}}")
    raise TypeError(f"not a formula node: {node!r}")


def _segments(segments):
    return "".join(s if isinstance(s, str) else f"${to_latex(s)}$" for s in segments)


def to_markdown(sheet):
    """The worksheet (a :class:`~neurosim.render.worksheet.Sheet`) as Markdown."""
    first, *rest = sheet.subtitle          # the network's repr, as code
    out = [f"# {sheet.title}", "", f"`{first}`" + _segments(rest)]
    colon = "：" if sheet.lang == "zh" else ": "
    for kind, content in sheet.blocks:
        if kind == "h2":
            out += ["", f"## {content}"]
        elif kind == "h3":
            out += ["", f"### {content}"]
        elif kind == "p":
            out += ["", _segments(content)]
        elif kind == "line":
            out += ["", f"$$ {to_latex(content.formula)} $$"]
        elif kind == "givens":
            out.append("")
            for label, items in content:
                if items and isinstance(items[0], list):
                    out.append(f"- {label}{colon}" + "; ".join(_segments(s) for s in items))
                else:
                    out.append(f"- {label}{colon}" + join_items(
                        items, lambda t: f"${to_latex(t)}$", str))
    return "\n".join(out) + "\n"



