"""Every module of neurosim imports on its own, first, in a fresh interpreter: no import cycle
hides behind the order the test suite happens to import them in (``interop/torch_check.py``
once failed this way, imported before ``interop/torch.py``). And imports point one way: read
from the source with :mod:`ast` (imports inside functions included), no module imports another
module's private names, and no cycle is there but the ones listed in ``KNOWN_CYCLES``."""

import ast
import os
import pkgutil
import subprocess
import sys

import neurosim

MODULES = sorted(m.name for m in pkgutil.walk_packages(neurosim.__path__, "neurosim.")
                 if not m.name.endswith(".__main__"))  # __main__ runs the command line


def test_the_package_has_its_modules():
    assert {"neurosim.network", "neurosim.hand_check.checking",
            "neurosim.interop.torch_check"} <= set(MODULES)


def test_each_module_imports_first_in_a_fresh_interpreter():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = ("import importlib, sys, traceback\n"
              "failed = []\n"
              "for name in sys.argv[1:]:\n"
              "    for m in [k for k in sys.modules if k == 'neurosim' or k.startswith('neurosim.')]:\n"
              "        del sys.modules[m]\n"
              "    try:\n"
              "        importlib.import_module(name)\n"
              "    except ImportError as e:\n"
              "        if getattr(e, 'name', None) not in ('torch', 'matplotlib', 'hypothesis'):\n"
              "            failed.append(f'{name}: {e!r}')\n"
              "print('\\n'.join(failed))\n")
    env = dict(os.environ, PYTHONPATH=root)
    done = subprocess.run([sys.executable, "-c", script, *MODULES], capture_output=True,
                          text=True, timeout=120, env=env, cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == ""


# -- which way imports point: no cycles, no private names across modules ---------------------------

PACKAGE = os.path.dirname(neurosim.__file__)

#: Cycles left, each through imports made inside functions, with why it is still there. The test
#: fails when one of them is broken too (then remove it here), or when a new one appears.
KNOWN_CYCLES = {
    # net.save and NeuralNetwork.load call serialize, and serialize.load builds a network: the
    # file format and the object that saves itself stand on each other (a method put on the
    # class from serialize would hide where save is written).
    frozenset({"neurosim.network", "neurosim.serialize"}),
}


def _modules():
    """{module name: path} of every module of the package."""
    found = {}
    for folder, _, files in os.walk(PACKAGE):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(folder, f)
                name = os.path.relpath(path, os.path.dirname(PACKAGE))[:-3].replace(os.sep, ".")
                found[name[:-len(".__init__")] if name.endswith(".__init__") else name] = path
    return found


def _imports(modules):
    """Every import of one neurosim module by another, at module level or inside a function:
    ``(importer, imported module, imported name or None, line)``."""
    found = []
    for name, path in modules.items():
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")
                if node.level:
                    base = base[:len(base) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                if source.split(".")[0] != "neurosim":
                    continue
                for alias in node.names:
                    if f"{source}.{alias.name}" in modules:      # from . import training
                        found.append((name, f"{source}.{alias.name}", None, node.lineno))
                    else:
                        found.append((name, source, alias.name, node.lineno))
            elif isinstance(node, ast.Import):
                found += [(name, a.name, None, node.lineno) for a in node.names
                          if a.name.split(".")[0] == "neurosim"]
    return found


def _private(name):
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_another_modules_private_names():
    """A name with a leading underscore is its module's own; another module needing it means
    it belongs in a shared, public place (it may be bound to a private local name with as)."""
    modules = _modules()
    private = [f"{importer}:{line} imports {what} from {source}"
               for importer, source, what, line in _imports(modules)
               if what is not None and _private(what) and source != importer]
    assert private == []


def _cycles(edges):
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return set(found)


def test_imports_form_no_cycle_but_the_known_ones():
    modules = _modules()
    edges = {}
    for importer, source, _, _ in _imports(modules):
        if source != importer and source in modules:
            edges.setdefault(importer, set()).add(source)
    assert _cycles(edges) == KNOWN_CYCLES


def test_the_cycle_finder_finds_a_cycle_and_a_private_import(tmp_path):
    """The two checks above can fail: a planted cycle and a planted private import are found."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}
    assert _cycles({"a": {"b"}, "b": set()}) == set()
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from .events import _secret, Update\n")
    (tmp_path / "events.py").write_text("")
    found = _imports({"neurosim.m": str(path), "neurosim.events": str(tmp_path / "events.py")})
    assert [(s, w) for _, s, w, _ in found] == [("neurosim.events", "_secret"),
                                                ("neurosim.events", "Update")]


# -- the module map of the README: every import points to its own line or a line above --------

def _module_map():
    """The README's module map: a list of lines, each the list of its module patterns."""
    root = os.path.dirname(PACKAGE)
    with open(os.path.join(root, "README.rst"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("another module's private names::\n\n", 1)[1].split("\n\n", 1)[0]
    lines, pending = [], ""
    for row in block.splitlines():
        if row.startswith("        "):         # a description
            if pending:
                lines.append([p.strip() for p in pending.split(",") if p.strip()])
                pending = ""
        else:
            pending += row
    return lines


def _line_of(module, lines):
    name = module[len("neurosim."):] if module != "neurosim" else "__init__"
    for k, patterns in enumerate(lines):
        for pattern in patterns:
            if name == pattern or (pattern.endswith(".*") and name.startswith(pattern[:-1])) \
                    or (pattern.endswith(".*") and name == pattern[:-2]):
                return k
    return None


def _in_repr_html(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    return {line for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name == "_repr_html_"
            for line in range(node.lineno, node.end_lineno + 1)}


def test_the_readme_module_map_is_true():
    modules = _modules()
    lines = _module_map()
    assert len(lines) >= 8
    missing = [m for m in modules if m != "neurosim" and _line_of(m, lines) is None]
    assert missing == [], "modules the README's map does not place"
    shows = {m: _in_repr_html(p) for m, p in modules.items()}
    upward = [f"{importer} (line {_line_of(importer, lines)}) imports {source} "
              f"(line {_line_of(source, lines)})"
              for importer, source, _, line in _imports(modules)
              if importer != "neurosim" and source in modules and source != "neurosim"
              and line not in shows[importer]
              and _line_of(source, lines) > _line_of(importer, lines)]
    assert upward == []
