"""The subcommands of the ``neurosim`` command line, one module each (see :mod:`neurosim.cli`),
and what several of them share: the network options and their reading, the check of
``--digits``, writing a file, Ctrl-C as a flag."""

import contextlib
import os
import signal

from ..errors import ConfigurationError, FileError, FormatError, InputError, ShapeError
from ..files import MAX_WRITTEN_BYTES, read_bytes, write_atomically
from ..serialize import loads
from ..worked_examples import EXAMPLES


def load_network(path):
    """The network saved at ``path`` (``net.save()``; ``-``: standard input), for a command that
    was given a file.

    A file that cannot be read or is not a saved network raises a
    :class:`~neurosim.errors.NeurosimError` naming the file, which the command line prints as
    one line (exit status 2).
    """
    try:      # (reading fails with a FileError, which names the file already)
        return loads(read_bytes(path, "network file", max_bytes=MAX_WRITTEN_BYTES, stdin=True))
    except FormatError as error:
        raise FormatError(f"{'standard input' if path == '-' else path}: {error}") from None


def add_network_arguments(parser, page=False):
    """--example, the saved network, --input and --target: the network and the sample a command
    works on (``neurosim step``, ``worksheet``, ``gradcheck``: the file is the positional
    NETWORK.json; ``neurosim page``: ``--network``, in the page's words)."""
    opens = "the published network the page opens with" if page else (
        "a published network with its sample")
    parser.add_argument("--example", choices=sorted(EXAMPLES), metavar="NAME",
                        help=f"{opens}: {', '.join(EXAMPLES)} (default: mazur)")
    if page:
        parser.add_argument("--network", metavar="NET.json",
                            help="open with a network saved by net.save() (needs --input, --target)")
    else:
        parser.add_argument("network", nargs="?", metavar="NETWORK.json",
                            help="a network saved with net.save() (default: --example)")
    for option, metavar, what, values in (("--input", "X", "inputs", "0.05 0.1"),
                                          ("--target", "T", "targets", "0.01 0.99")):
        parser.add_argument(option, nargs="+", metavar=metavar,
                            help=f"the sample's {what}" if page else
                            f"the {what}, e.g. {option} {values} (default: the example's)")


def network_and_sample(args):
    """The network, inputs and targets the arguments of :func:`add_network_arguments` name."""
    if args.network is None:
        build, inputs, targets = EXAMPLES[args.example or "mazur"]
        net = build()
    elif args.example is not None:
        raise ConfigurationError(f"give a NETWORK.json or --example, not both: got "
                                 f"{args.network!r} and --example {args.example}")
    else:
        net = load_network(args.network)
        if args.input is None or args.target is None:
            raise ShapeError(f"a saved network needs a sample: give --input and --target "
                             f"(one value per input and per output), got input {args.input} "
                             f"and target {args.target}")
    # (a saved network comes with both options, so its sample is always theirs)
    return (net, inputs if args.input is None else _numbers("--input", args.input),
            targets if args.target is None else _numbers("--target", args.target))


def _numbers(option, words):
    """The numbers of ``--input 0.05 0.1`` (commas too: ``--input 0.05,0.1``)."""
    values = []
    for part in " ".join(words).replace(",", " ").split():
        try:
            values.append(float(part))
        except ValueError:
            raise InputError(f"{option} takes numbers, got {part!r}") from None
    return values


def check_digits(digits):
    """--digits, the significant digits a command shows: 1 to 17 (a double's 17 suffice)."""
    if not 1 <= digits <= 17:
        raise ConfigurationError(f"--digits must be between 1 and 17, got {digits}")


def write_file(path, text, force=False):
    """Write ``text`` to ``path`` as :func:`neurosim.files.write_atomically` does (a reader
    sees the old file or the new one; permissions, owner and symbolic links are kept; only
    regular files); a failure is one line naming the path."""
    try:
        write_atomically(path, text, force=force, force_hint="give --force")
    except FileError:
        raise
    except OSError as error:
        raise FileError(f"cannot write {path!r}: {error.strerror or error}") from None


def write_files(folder, files, force=False):
    """Make ``folder`` if it is missing, and write each ``name: text`` of ``files`` into it
    (:func:`write_file`)."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise FileError(f"cannot create the folder {folder!r}: {error.strerror or error}") from None
    for name, text in files.items():
        write_file(os.path.join(folder, name), text, force=force)


def plural(n, noun):
    """``n`` and ``noun``, plural unless ``n`` is 1: ``plural(4, "training sample")``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


class CtrlC:
    """Ctrl-C noted, for the length of a ``with`` block, as a flag the command checks where it
    can stop cleanly: ``with CtrlC() as ctrl_c: net.fit(..., interrupt=ctrl_c.is_set)`` (so it
    never lands inside an update).

    The first Ctrl-C sets the flag and gives SIGINT back its previous handler, so a second one
    stops at once (KeyboardInterrupt; a save under way then leaves the old file). With
    ``stop=True`` the first one also raises KeyboardInterrupt, as Python's own handler does:
    the stepper's prompt ends quietly on it, and ``neurosim step`` still exits 130. Where SIGINT
    is ignored (``nohup``, ``&``) or cannot be handled (Pyodide; not the main thread, where
    ``signal.signal`` refuses with ValueError) it is left alone, and the flag is never set.
    """

    _set, _previous = False, None

    def __init__(self, stop=False):
        self.stop = stop

    def is_set(self):
        return self._set

    def _handle(self, signum, frame):
        self._set = True
        signal.signal(signal.SIGINT, self._previous)
        if self.stop:
            raise KeyboardInterrupt

    def __enter__(self):
        with contextlib.suppress(ValueError, OSError, RuntimeError, AttributeError):
            if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
                self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            with contextlib.suppress(ValueError, OSError, RuntimeError):
                signal.signal(signal.SIGINT, self._previous)
