"""The ``neurosim`` command line: ``main(argv=None) -> int``, one subcommand per module.

Each subcommand lives in :mod:`neurosim.commands` as a module of its name with ``HELP``,
``EXAMPLE``, ``add_arguments(parser)`` and ``run(args) -> int``; tests call ``main([...])``
directly. The subcommand modules are imported only when the command line is built, so
``import neurosim`` stays light.

Exit status: 0 when the command did its job and every check passed; 1 when a check failed
(``neurosim check``: a claim is wrong; ``neurosim gradcheck``: a gradient disagrees); 2 when the
command could not run (a bad option, an unreadable or malformed file), with one line on
standard error saying what was wrong and what was expected; 2 also, never 1, when neurosim
itself fails (an internal error: a bug to report). ``neurosim demo NAME`` returns the
demo's own status; Ctrl-C gives 130 and a closed pipe (``| head``) 141.

Examples::

    neurosim worksheet --format markdown        # Mazur's first update, written out
    python -m neurosim --version
"""

import argparse
import contextlib
import importlib
import os
import re
import signal
import sys
import textwrap

from . import __version__
from .errors import InputError, NeurosimError

__all__ = ["main", "run_script", "script_arguments", "whole_number", "COMMANDS"]

#: The subcommand modules, in the order ``neurosim --help`` lists them.
COMMANDS = ("step", "worksheet", "train", "demo", "show", "gradcheck", "check", "exercises",
            "page")


class Parser(argparse.ArgumentParser):
    """argparse's parser, taking every negative number as a value, not an option.

    argparse tells a negative number from an option with a pattern that knows only ``-1`` and
    ``-1.5``: ``--input -1e-3 0.5`` failed with "expected at least one argument", as if
    ``-1e-3`` were an option. Here the pattern is every float Python reads (``-1e-3``,
    ``-.5E+2``, ``-inf``; the value is checked where it is used). The subcommands' parsers are
    made by the same class (``add_subparsers`` uses the parser's own), so it holds everywhere.
    """

    NEGATIVE_NUMBER = re.compile(r"^-(?:(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?"
                                 r"|\d[\d_]*\.|inf|infinity|nan)$", re.IGNORECASE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = self.NEGATIVE_NUMBER

    #: argparse's wording of a value its ``type`` refused, and the kind of value expected.
    BAD_VALUE = re.compile(r"^argument (\S+): invalid (int|float) value: (.*)$", re.DOTALL)
    EXPECTED = {"int": "a whole number", "float": "a number"}

    def error(self, message):
        """Stop with exit status 2 and ONE line on standard error, as every other bad input
        does: ``neurosim gradcheck: error: --eps must be a number, got 'abc'; see 'neurosim
        gradcheck --help'``. argparse's own ``error`` printed its usage line first, several
        lines that buried the one naming the mistake (issue 16).
        """
        message = self.BAD_VALUE.sub(
            lambda bad: f"{bad[1]} must be {self.EXPECTED[bad[2]]}, got {bad[3]}", message)
        message = "; ".join(line.strip() for line in message.splitlines() if line.strip())
        self.exit(2, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")


def build_parser():
    """The argument parser with every subcommand of :data:`COMMANDS`."""
    parser = Parser(
        prog="neurosim",
        description="Backpropagation simulated neuron by neuron, with every partial to read.",
        epilog="Run 'neurosim COMMAND --help' for a command's options and an example.")
    parser.add_argument("--version", action="version", version=f"neurosim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = sub.choices                  # name -> the command's parser
    for name in COMMANDS:
        module = importlib.import_module(f"neurosim.commands.{name}")
        # the description is wrapped here: the raw formatter keeps the examples' layout
        command = sub.add_parser(name, help=module.HELP,
                                 description=textwrap.fill(module.HELP, 79, break_on_hyphens=False),
                                 epilog=module.EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv=None):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # reported by the command's parser, so the line names the command
        command = parser.commands.get(getattr(args, "command", None), parser)
        command.error(f"unrecognized arguments: {' '.join(unknown)}")
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except NeurosimError as error:
        print(f"neurosim {args.command}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `neurosim train ... | head`: the reader left; stop quietly
        # what is still buffered for the closed pipe goes nowhere, not into exit status 120
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        # standard error's buffer may be bound for the closed pipe too (`2>&1 | head`)
        with contextlib.suppress(OSError):
            sys.stderr.close()
        return 141
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug in neurosim: exit 1 would read as a wrong answer
        text = (str(error).splitlines() or [""])[0]
        text = text if len(text) <= 200 else text[:200] + "..."
        print(f"neurosim {args.command}: internal error: {type(error).__name__}: {text}\n"
              f"this is a bug in neurosim, not in the input; please report it with the "
              f"command that caused it", file=sys.stderr)
        return 2


def run_script(main, *args):
    """Run a demo's ``main(*args)`` from its ``if __name__ == "__main__":`` block, ending as
    ``neurosim demo`` ends it: a closed pipe (``python demos/xor.py | head``) stops it quietly,
    as ``cat`` would, where Python would print a BrokenPipeError traceback (the advice of the
    Python docs, "Note on SIGPIPE"); Ctrl-C exits with 130 without one.

    A :class:`~neurosim.errors.NeurosimError` (a bad argument, see :func:`script_arguments`)
    ends it as the ``neurosim`` command does: one line on standard error, exit status 2. A
    demo whose ``main`` takes no arguments (called here with none) refuses any it was given.
    """
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "demo"
    try:
        if not args and sys.argv[1:]:
            script_arguments(sys.argv[1:], f"python {script}", most=0)
        main(*args)
    except NeurosimError as error:
        sys.stdout.flush()
        print(f"{script}: error: {error}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:  # no SIGPIPE (Windows): the error instead
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except KeyboardInterrupt:
        sys.exit(130)


def script_arguments(argv, usage, most):
    """``argv`` itself, once it is known to hold at most ``most`` arguments (a demo's check of
    its command line); more raise :class:`~neurosim.errors.InputError` with the usage line.

    >>> script_arguments(["5"], "python demos/xor.py [SEEDS]", most=1)
    ['5']
    >>> script_arguments(["5", "6"], "python demos/xor.py [SEEDS]", most=1)
    Traceback (most recent call last):
    ...
    neurosim.errors.InputError: at most 1 argument expected, got 2: '5' '6'; usage: python demos/xor.py [SEEDS]
    """
    argv = list(argv)
    if len(argv) > most:
        expected = "no arguments" if most == 0 else (
            f"at most {most} argument{'s' if most != 1 else ''}")
        raise InputError(f"{expected} expected, got {len(argv)}: "
                         f"{' '.join(map(repr, argv))}; usage: {usage}")
    return argv


def whole_number(text, name, minimum=0):
    """The whole number a demo's argument ``text`` spells (``"10"``), at least ``minimum``;
    anything else raises :class:`~neurosim.errors.InputError` naming the argument.

    >>> whole_number("10", "SEEDS", minimum=1)
    10
    >>> whole_number("abc", "SEEDS", minimum=1)
    Traceback (most recent call last):
    ...
    neurosim.errors.InputError: SEEDS must be a whole number of at least 1, got 'abc'
    >>> whole_number("0", "SEEDS", minimum=1)
    Traceback (most recent call last):
    ...
    neurosim.errors.InputError: SEEDS must be a whole number of at least 1, got '0'
    """
    try:
        value = int(text.strip()) if len(text) <= 20 else None
    except ValueError:
        value = None
    if value is None or value < minimum:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise InputError(f"{name} must be a whole number of at least {minimum}, got {shown!r}")
    return value


if __name__ == "__main__":
    sys.exit(main())
