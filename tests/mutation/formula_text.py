"""Mutants of the formulas that are written as text: the Python the engine pastes into the step.

cosmic-ray (``tests/mutation/cosmic-ray.toml``) mutates the syntax tree of
``neurosim/calculation.py``, ``activations.py`` and ``losses.py``. Part of the step's arithmetic,
though, is not syntax there but text: the ``@inline("...")`` expression of each activation and
loss, the :data:`~neurosim.calculation.VECTOR` templates, the f-strings of
:data:`~neurosim.calculation.KINDS` and of its ``_*_python`` writers, and the ``" + "`` every sum
is joined with. :mod:`neurosim.engine` writes that text into the compiled step, so a wrong sign
there is a wrong step, yet no mutation tool looks inside a string. This script does, with the
changes a mutation tool makes to code:

==============  =======================================================
operator        ``+`` <-> ``-``, ``*`` <-> ``/``, ``<`` <-> ``<=``, ``>`` <-> ``>=``
sign            a unary minus removed: ``exp(-{net})`` -> ``exp({net})``
constant        a number moved by one: ``0.5`` -> ``1.5``
operand         one placeholder read as the other: ``{net}`` <-> ``{out}``, ``{t}`` <-> ``{o}``
==============  =======================================================

Each mutant is written into a copy of the checkout (never into the checkout itself) and the
test command of ``cosmic-ray.toml`` is run there; a mutant is killed when the command fails.
Mutants judged equivalent (they compute the same numbers) are listed in :data:`EQUIVALENT`
with the reason, and reported as such; any other survivor makes the exit status 1.

Usage, from the root of a checkout (see docs/topics/mutation.rst)::

    python tests/mutation/formula_text.py            # run every mutant
    python tests/mutation/formula_text.py --list     # only list them
    python tests/mutation/formula_text.py --jobs 2 --only 3 17

The module imports nothing outside the standard library, and only when run.
"""

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = os.path.join(ROOT, "tests", "mutation", "cosmic-ray.toml")
FILES = ("neurosim/calculation.py", "neurosim/activations.py", "neurosim/losses.py")
#: What a mutant's copy of the checkout holds.
COPY = ("neurosim", "tests", "demos", "setup.cfg", "setup.py", "pyproject.toml", "README.rst")

#: One change to one template: ``before`` and ``after`` are the whole string literal as written
#: in the file, ``start`` its offset there.
Mutant = namedtuple("Mutant", "number path line kind start before after")

#: Survivors judged equivalent, by (file, template after the change): the reason.
EQUIVALENT = {
    ("neurosim/activations.py",
     '"1.0 / (1.0 + exp(-{net})) if {net} > 0.0 else exp({net}) / (1.0 + exp({net}))"'):
        "at net = 0 both branches give 1 / (1 + 1) = 0.5 exactly; elsewhere nothing changes",
    ("neurosim/activations.py",
     '"{out} * (1.0 - {out}) if {net} <= 0.0 else {out} * {out} * exp(-{net})"'):
        "at net = 0, out = 0.5: out (1 - out) = 0.25 = out out e^0 exactly",
}

_OPERATORS = {"+": "-", "-": "+", "*": "/", "/": "*", "<": "<=", "<=": "<", ">": ">=",
              ">=": ">", "==": "!=", "!=": "=="}
_TOKEN = re.compile(r"(?P<space>\s+)|(?P<name>[A-Za-z_]\w*)"
                    r"|(?P<number>\d+\.\d*(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)"
                    r"|(?P<op><=|>=|==|!=|\*\*|//|[-+*/<>])|(?P<other>.)")
#: After these a ``-`` is a sign, not a subtraction.
_BEFORE_A_SIGN = {None, "(", "[", ",", "if", "else", "and", "or", "not", "in", "return"}


# -- which strings are formulas ---------------------------------------------------------------

#: The placeholders an @inline template may read, by the arity of its function: f(net),
#: f'(net, out), a loss (target, out, n). A placeholder is swapped only for another one of these.
_READS = {1: (), 2: ("{net}", "{out}"), 3: ("{t}", "{o}")}


def templates(source):
    """The string literals of ``source`` that the engine writes into the compiled step, in the
    order of the file, as ``(node, operands)``: ``operands`` are the placeholders the formula
    may read (@inline templates), so that reading one for the other is a mutant."""
    tree = ast.parse(source)
    found = []

    def strings_in(node):
        docstrings = {id(n.body[0].value) for n in ast.walk(node)
                      if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Module))
                      and n.body and isinstance(n.body[0], ast.Expr)}
        parts = {id(v) for n in ast.walk(node) if isinstance(n, ast.JoinedStr)
                 for v in n.values}
        for n in ast.walk(node):
            if isinstance(n, ast.JoinedStr) or (
                    isinstance(n, ast.Constant) and isinstance(n.value, str)
                    and id(n) not in docstrings and id(n) not in parts):
                found.append((n, ()))

    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef):
            for decorator in statement.decorator_list:
                if (isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") ==
                        "inline"):
                    found.append((decorator.args[0], _READS[len(statement.args.args)]))
            if re.fullmatch(r"_\w+_python", statement.name):
                strings_in(statement)
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            name = getattr(statement.targets[0], "id", "")
            if name in ("KINDS", "VECTOR", "_left_to_right"):
                strings_in(statement.value)
    return sorted(found, key=lambda found: (found[0].lineno, found[0].col_offset))


# -- the changes ------------------------------------------------------------------------------

def _tokens(literal):
    """The tokens of a string literal's text: ``(kind, text, offset)``; a ``{...}`` part
    (a placeholder, or an f-string's expression) is one token of kind "operand"."""
    quote = re.match(r"[rRfFbBuU]*('''|\"\"\"|'|\")", literal)
    i, end = quote.end(), len(literal) - len(quote.group(1))
    tokens = []
    while i < end:
        if literal.startswith("{{", i) or literal.startswith("}}", i):
            tokens.append(("other", literal[i:i + 2], i))
            i += 2
        elif literal[i] == "{":
            depth, j = 0, i
            while True:
                depth += {"{": 1, "[": 1, "(": 1, "}": -1, "]": -1, ")": -1}.get(literal[j], 0)
                j += 1
                if depth == 0:
                    break
            tokens.append(("operand", literal[i:j], i))
            i = j
        else:
            m = _TOKEN.match(literal, i, end)
            if m.lastgroup != "space":
                tokens.append((m.lastgroup, m.group(), i))
            i = m.end()
    return tokens


def changes(literal, operands):
    """Every mutant of one string literal: ``(kind, mutated literal)``."""
    out = []
    tokens = _tokens(literal)
    previous = None
    for kind, text, at in tokens:
        def put(change, new):
            out.append((change, literal[:at] + new + literal[at + len(text):]))
        if kind == "op" and text in ("-", "+") and previous in _BEFORE_A_SIGN and len(tokens) > 1:
            put("sign", "")                       # a separator alone (" + ") is an operator
        elif kind == "op" and text in _OPERATORS:
            put("operator", _OPERATORS[text])
        elif kind == "number":
            put("constant", repr(ast.literal_eval(text) + 1))
        elif kind == "operand" and text in operands:
            for other in operands:
                if other != text:
                    put("operand", other)
        previous = text if kind in ("op", "other", "name") else "operand"
    return out


def mutants():
    """Every mutant of every formula template of the three files, numbered from 1."""
    result = []
    for path in FILES:
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            source = f.read()
        lines = source.splitlines(keepends=True)
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line))
        for node, operands in templates(source):
            start = starts[node.lineno - 1] + len(
                lines[node.lineno - 1].encode()[:node.col_offset].decode())
            before = ast.get_source_segment(source, node)
            for kind, after in changes(before, operands):
                result.append(Mutant(len(result) + 1, path, node.lineno, kind, start, before,
                                     after))
    return result


# -- running them -----------------------------------------------------------------------------

def test_command():
    """The test command of cosmic-ray.toml, so both runs use the same tests."""
    with open(CONFIG, encoding="utf-8") as f:
        return re.search(r'^test-command\s*=\s*"(.*)"\s*$', f.read(), re.M).group(1).split()


def run(mutant, copy, command, timeout):
    """Write ``mutant`` into ``copy``, run the tests there, put the file back: the verdict."""
    target = os.path.join(copy, mutant.path)
    with open(target, encoding="utf-8") as f:
        original = f.read()
    if original[mutant.start:mutant.start + len(mutant.before)] != mutant.before:
        raise RuntimeError(f"mutant {mutant.number}: the template moved in {mutant.path}")
    mutated = (original[:mutant.start] + mutant.after +
               original[mutant.start + len(mutant.before):])
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory() as hypothesis_db:
        env["HYPOTHESIS_STORAGE_DIRECTORY"] = hypothesis_db    # no examples carried over
        with open(target, "w", encoding="utf-8") as f:
            f.write(mutated)
        try:
            done = subprocess.run([sys.executable if c == "python" else c for c in command],
                                  cwd=copy, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=timeout)
            verdict = "killed" if done.returncode else "survived"
        except subprocess.TimeoutExpired:
            verdict = "timeout"
        finally:
            with open(target, "w", encoding="utf-8") as f:
                f.write(original)
    if verdict == "survived" and (mutant.path, mutant.after) in EQUIVALENT:
        verdict = "equivalent"
    return verdict


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--only", type=int, nargs="+", help="run these mutant numbers only")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant")
    args = parser.parse_args(argv)
    chosen = [m for m in mutants() if not args.only or m.number in args.only]
    if args.list:
        for m in chosen:
            print(f"{m.number:3} {m.path}:{m.line} {m.kind:<9} {m.before}  ->  {m.after}")
        return 0
    command = test_command()
    copies = [tempfile.mkdtemp(prefix="neurosim-mutant-") for _ in range(max(1, args.jobs))]
    try:
        for copy in copies:
            for name in COPY:
                source = os.path.join(ROOT, name)
                if os.path.isdir(source):
                    shutil.copytree(source, os.path.join(copy, name), ignore=shutil.
                                    ignore_patterns("__pycache__", ".hypothesis", "mutants"))
                elif os.path.exists(source):
                    shutil.copy(source, copy)
        free = list(copies)
        began = time.monotonic()

        def one(mutant):
            copy = free.pop()
            try:
                return mutant, run(mutant, copy, command, args.timeout)
            finally:
                free.append(copy)

        verdicts = {}
        with ThreadPoolExecutor(len(copies)) as pool:
            for mutant, verdict in pool.map(one, chosen):
                verdicts[mutant.number] = verdict
                print(f"{mutant.number:3} {verdict:<10} {mutant.path}:{mutant.line} "
                      f"{mutant.kind:<9} {mutant.after}", flush=True)
    finally:
        for copy in copies:
            shutil.rmtree(copy, ignore_errors=True)
    counts = {v: sum(1 for x in verdicts.values() if x == v)
              for v in ("killed", "timeout", "equivalent", "survived")}
    print(f"\n{len(chosen)} mutants in {time.monotonic() - began:.0f} s: "
          + ", ".join(f"{n} {v}" for v, n in counts.items()))
    for m in chosen:
        if verdicts[m.number] == "equivalent":
            print(f"equivalent {m.number}: {m.after}\n    {EQUIVALENT[(m.path, m.after)]}")
    return 1 if counts["survived"] else 0


if __name__ == "__main__":
    sys.exit(main())
