"""``neurosim step``: step through one training update at a pdb-style prompt."""

import signal
import sys

from ..errors import ConfigurationError, InputError, ShapeError
from . import load_network

NAME = "step"
HELP = ("step through one training update, one event at a time, at a pdb-style prompt "
        "(next, continue, break w5, print dE/dw5, where, list, net, quit)")
EXAMPLE = """\
examples:
  neurosim step                              # Mazur's 2-2-2 example
  printf 'break w1\\ncontinue\\nprint dE/dw1 w5\\nquit\\n' | neurosim step
  neurosim step --commands demos/lesson.txt  # a lesson, then the prompt
  # a saved network:
  neurosim step demos/net.json --input 0.05 0.1 --target 0.01 0.99
"""


def add_network_arguments(parser):
    """NETWORK.json, --example, --input and --target (shared with ``neurosim worksheet``)."""
    from ..worked_examples import EXAMPLES
    parser.add_argument("network", nargs="?", metavar="NETWORK.json",
                        help="a network saved with net.save() (default: --example)")
    parser.add_argument("--example", choices=sorted(EXAMPLES), default=None, metavar="NAME",
                        help="a published network with its sample: "
                             f"{', '.join(EXAMPLES)} (default: mazur)")
    parser.add_argument("--input", nargs="+", metavar="X",
                        help="the inputs, e.g. --input 0.05 0.1 (default: the example's)")
    parser.add_argument("--target", nargs="+", metavar="T",
                        help="the targets, e.g. --target 0.01 0.99 (default: the example's)")


def network_and_sample(args):
    """The network, inputs and targets the arguments of :func:`add_network_arguments` name."""
    from ..worked_examples import EXAMPLES
    if args.network is not None and args.example is not None:
        raise ConfigurationError(f"give a NETWORK.json or --example, not both: got "
                                 f"{args.network!r} and --example {args.example}")
    if args.network is not None:
        net = load_network(args.network)
        if args.input is None or args.target is None:
            raise ShapeError(f"a saved network needs a sample: give --input and --target "
                             f"(one value per input and per output), got input {args.input} "
                             f"and target {args.target}")
        inputs, targets = None, None
    else:
        build, inputs, targets = EXAMPLES[args.example or "mazur"]
        net = build()
    if args.input is not None:
        inputs = _numbers("--input", args.input)
    if args.target is not None:
        targets = _numbers("--target", args.target)
    return net, inputs, targets


def _numbers(option, words):
    values = []
    for word in words:
        for part in word.replace(",", " ").split():
            try:
                values.append(float(part))
            except ValueError:
                raise InputError(f"{option} takes numbers, got {part!r}") from None
    return values


def add_arguments(parser):
    add_network_arguments(parser)
    parser.add_argument("--commands", metavar="FILE",
                        help="run the commands in FILE first (one a line, # comments), then "
                             "read more from standard input unless FILE ends with quit "
                             "(FILE '-': read them all from standard input)")
    parser.add_argument("--digits", type=int, default=9, metavar="N",
                        help="significant digits of the numbers shown (default: 9, as Mazur)")


def run(args):
    from ..stepper import Stepper
    if not 1 <= args.digits <= 17:
        raise ConfigurationError(f"--digits must be between 1 and 17, got {args.digits}")
    net, inputs, targets = network_and_sample(args)
    script = None
    if args.commands is not None:
        from ..files import MAX_TYPED_BYTES, read_text
        script = read_text(args.commands, "commands file", max_bytes=MAX_TYPED_BYTES,
                           stdin=True).splitlines()
    stepper = Stepper(net, inputs, targets, digits=args.digits)
    stepper.stdout.write(stepper.intro + "\n")
    if script is not None and stepper.run_script(script):
        return 0
    interrupted = _until_interrupted(lambda: stepper.cmdloop(intro=""))
    sys.stdout.flush()
    return 130 if interrupted else 0


def _until_interrupted(loop):
    """Run ``loop()``; return True if Ctrl-C ended it.

    The stepper's prompt ends quietly on Ctrl-C (a new line, the history saved) and returns as
    it does after ``quit``, but the command must still exit with 130, as every neurosim command
    does on Ctrl-C. So SIGINT's handler notes the interrupt for the length of the loop, then
    raises KeyboardInterrupt as Python's own handler does. Where SIGINT is ignored or handled
    by someone else, or signals cannot be handled (not the main thread), it is left alone.
    """
    interrupted = []

    def note(signum, frame):
        interrupted.append(signum)
        signal.default_int_handler(signum, frame)

    try:
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            raise ValueError("SIGINT is not Python's own")
        previous = signal.signal(signal.SIGINT, note)
    except ValueError:  # another handler, SIG_IGN, or not the main thread
        loop()
        return False
    try:
        loop()
    finally:
        signal.signal(signal.SIGINT, previous)
    return bool(interrupted)
