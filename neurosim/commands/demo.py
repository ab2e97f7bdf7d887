"""``neurosim demo``: list the classroom demos, or run one.

The demos are scripts in the ``demos/`` folder of the source checkout, each runnable on its
own (``python demos/xor.py``). They are not installed with the package; this command finds
them next to the package's source (an editable install or a run from the checkout) or in the
folder ``--dir`` names, reads each one's docstring for the list (without running it), and
runs one with the current Python in a separate process.
"""

import ast
import difflib
import os
import subprocess
import sys

from ..errors import ConfigurationError

NAME = "demo"
HELP = "list the classroom demos, or run one by name (extra arguments go to the demo)"
EXAMPLE = """\
examples:
  neurosim demo                          # the list, with a line about each
  neurosim demo xor                      # run demos/xor.py
  neurosim demo playground_spiral spiral.png
  neurosim demo --dir path/to/demos iris
"""


def add_arguments(parser):
    parser.add_argument("name", nargs="?", metavar="NAME", help="the demo to run")
    parser.add_argument("demo_args", nargs="*", metavar="ARG",
                        help="arguments passed to the demo")
    parser.add_argument("--dir", metavar="FOLDER",
                        help="the demos folder (default: demos/ of the source checkout)")


def default_folder():
    """``demos/`` beside the ``neurosim`` package folder, when the source checkout has one."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(os.path.dirname(package), "demos")


def find_demos(folder):
    """name -> (path, first line of its docstring), sorted by name."""
    if not os.path.isdir(folder):
        raise ConfigurationError(
            f"no demos folder at {folder!r}: the demos are scripts in the demos/ folder of "
            "neurosim's source checkout and are not installed with the package\n"
            "run them from a checkout (python demos/xor.py) or give the folder with --dir")
    demos = {}
    for entry in sorted(os.listdir(folder)):
        if entry.endswith(".py") and not entry.startswith("_"):
            path = os.path.join(folder, entry)
            demos[entry[:-3]] = (path, _first_line(path))
    return demos


def _first_line(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = ast.get_docstring(ast.parse(f.read()))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return "(cannot read its docstring)"
    return doc.strip().splitlines()[0] if doc and doc.strip() else ""


def run(args):
    folder = args.dir or default_folder()
    demos = find_demos(folder)
    if args.name is None:
        if not demos:
            print(f"no demos in {folder}")
            return 0
        width = max(map(len, demos))
        print(f"demos in {folder} (run one with: neurosim demo NAME):")
        for name, (_, line) in demos.items():
            print(f"  {name:{width}}  {line}")
        return 0
    name = args.name[:-3] if args.name.endswith(".py") else args.name
    if name not in demos:
        close = difflib.get_close_matches(name, list(demos), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ConfigurationError(f"no demo is named {args.name!r}{hint}\n"
                                 f"demos: {', '.join(demos)}")
    sys.stdout.flush()
    return subprocess.call([sys.executable, demos[name][0], *args.demo_args])
