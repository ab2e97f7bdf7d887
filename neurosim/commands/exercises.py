"""``neurosim exercises``: printable exercise sheets, one variant per student, with answer keys
that ``neurosim check`` grades."""

import os

from ..errors import FileError
from ..files import check_target
from ..render.exercises import document, keys_html, variants
from ..worked_examples import EXAMPLES
from . import plural, write_files

HELP = ("write printable exercise sheets: one variant of a worked example per student (other "
        "weights, biases and sample, drawn from --seed), an answers form each student fills in "
        "and grades with 'neurosim check', and the answer keys")
EXAMPLE = """\
files written into DIR (NN: the student's number, 01 to --students):
  sheet_NN.html   the printable sheet: diagram, givens, a blank per question
  answers_NN.txt  the same as a claims file with blanks; filled in,
                  'neurosim check' grades it
  key_NN.txt      the answer key, a claims file: 'neurosim check key_NN.txt'
                  confirms it
  sheets.html     every sheet, one per printed page;  keys.html: every key

examples:
  neurosim exercises -o class3b --students 30 --seed 2024
  neurosim exercises -o quiz --example seed002 --students 12 --ask out_h4,w13+
  neurosim check class3b/answers_07.txt    # a student's filled-in form, graded
"""


def add_arguments(parser):
    parser.add_argument("-o", "--output", metavar="DIR", required=True,
                        help="the folder to write into (made if missing)")
    parser.add_argument("--example", default="mazur", metavar="NAME",
                        help="the worked example whose network and rules every variant keeps: "
                             f"{', '.join(EXAMPLES)} (default: mazur)")
    parser.add_argument("--students", type=int, default=1, metavar="N",
                        help="how many variants, one per student (default: 1)")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="the seed the variants are drawn from; the same seed gives the "
                             "same sheets (default: 0)")
    parser.add_argument("--ask", metavar="NAMES",
                        help="the quantities to hide and ask for, e.g. out_h1,delta_o1,w5+ "
                             "(default: outs, total error, deltas, a gradient and an update "
                             "per layer)")
    parser.add_argument("--digits", type=int, default=9, metavar="N",
                        help="significant digits of the keys' answers (default: 9)")
    parser.add_argument("--force", action="store_true",
                        help="replace files of the same names already in DIR (a student's "
                             "filled-in answers form among them)")


def run(args):
    drawn = variants(args.example, students=args.students, seed=args.seed, questions=args.ask,
                     digits=args.digits)
    folder = args.output
    files = {name: text for v in drawn for name, text in (
        (f"sheet_{v.number}.html", document(f"Exercise {v.number}", [v.html()])),
        (f"answers_{v.number}.txt", v.form()), (f"key_{v.number}.txt", v.key()))}
    files.update({"sheets.html": document("neurosim exercises: sheets", [v.html() for v in drawn]),
                  "keys.html": keys_html(drawn)})
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise FileError(f"{folder!r} is not a folder; -o names the folder the sheets go into")
    there = [name for name in files if os.path.lexists(os.path.join(folder, name))]
    if there and not args.force:
        shown = ", ".join(there[:3]) + (", ..." if len(there) > 3 else "")
        raise FileError(f"{folder!r} already holds {len(there)} of the files to write "
                        f"({shown}); a student's filled-in answers would be lost\n"
                        f"give another folder, or --force to replace them")
    for name in files:                      # refuse a folder or a device before writing any
        check_target(os.path.join(folder, name), force=args.force, force_hint="give --force")
    write_files(folder, files, args.force)
    print(f"neurosim exercises: wrote {plural(len(drawn), 'variant')} of "
          f"{args.example} into {folder} ({len(files)} files; keys: key_*.txt, keys.html)")
    return 0


