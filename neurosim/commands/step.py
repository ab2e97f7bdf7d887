"""``neurosim step``: step through one training update at a pdb-style prompt."""

import sys

from ..files import MAX_TYPED_BYTES, read_text
from ..stepper import Stepper
from . import CtrlC, add_network_arguments, check_digits, network_and_sample

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
    check_digits(args.digits)
    net, inputs, targets = network_and_sample(args)
    script = None if args.commands is None else read_text(
        args.commands, "commands file", max_bytes=MAX_TYPED_BYTES, stdin=True)
    stepper = Stepper(net, inputs, targets, digits=args.digits)
    stepper.stdout.write(stepper.intro + "\n")
    if script is not None and stepper.run_script(script):
        return 0
    with CtrlC(stop=True) as ctrl_c:   # the prompt ends quietly on Ctrl-C: exit 130 all the same
        stepper.cmdloop(intro="")
    sys.stdout.flush()
    return 130 if ctrl_c.is_set() else 0
