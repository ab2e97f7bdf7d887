"""``neurosim step``: step through one training update at a pdb-style prompt."""

import signal
import sys

from . import add_network_arguments, check_digits, network_and_sample

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
    check_digits(args.digits)
    net, inputs, targets = network_and_sample(args)
    script = None
    if args.commands is not None:
        from ..files import MAX_TYPED_BYTES, read_text
        script = read_text(args.commands, "commands file", max_bytes=MAX_TYPED_BYTES, stdin=True)
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
