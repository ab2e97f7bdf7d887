"""Exercise sheets: one hand calculation per student, each with its own numbers, and the keys.

A teacher picks a worked example (Mazur's 2-2-2, seed 002's 2-3-2-1) and the quantities to ask
for (``out_h1``, ``delta_o1``, ``w5+`` ...). Each student gets a *variant*: the same network and
rules with other weights, biases, inputs and targets, drawn from the teacher's seed and the
student's number, so the same seed gives the same sheets again, and neighbours cannot copy.

Every variant comes as

- a printable sheet (:meth:`Variant.html`): the diagram with the variant's weights, the givens,
  the rules, and a blank for every asked quantity;
- an answers form (:meth:`Variant.form`): a claims file (the syntax of
  :mod:`neurosim.hand_check.claims`) holding the givens and one ``name =`` line per question,
  which the student fills in and grades with ``neurosim check``;
- an answer key (:meth:`Variant.key`): the same claims file filled in by neurosim, to ``digits``
  significant digits; ``neurosim check key_03.txt`` confirms it, and a wrong number in a
  student's form is flagged with the likely slip.

The numbers are drawn the way the example prints its own: Mazur's weights are multiples of
0.05, so a variant's are too (from -0.95 to 0.95, never 0); seed 002's are whole numbers, so a
variant's are whole numbers from -2 to 2 (never 0; larger ones saturate the sigmoids).

>>> sheets = variants("mazur", students=2, seed=7)
>>> [v.student for v in sheets], sheets[0].givens != sheets[1].givens
([1, 2], True)
>>> sheets[0].questions[:3]
['out_h1', 'out_o1', 'E_total']
>>> print(sheets[0].key().splitlines()[4])
network = mazur
"""

import random
from collections import namedtuple

from .. import quantities
from ..numbers import num
from ..validation import check_count
from ..errors import ConfigurationError, UnknownNameError
from ..worked_examples import EXAMPLES
from .html import page
from .mathml import escape
from .svg import diagram

__all__ = ["Variant", "variants", "default_questions", "keys_html"]

MOST_STUDENTS = 500


class Variant(namedtuple("Variant", "example student students seed givens questions answers "
                                    "digits")):
    """One student's problem: ``example`` (a worked example's name), ``student`` (1, 2, ...) of
    ``students``, the ``seed``, ``givens`` (name -> value: inputs, targets, weights, biases, as
    printed), ``questions`` (quantity names, in order), ``answers`` (name -> full-precision
    value) and ``digits``."""

    @property
    def number(self):
        """The student's number as the file names write it: 03 of 30."""
        return f"{self.student:0{max(2, len(str(self.students)))}d}"

    def network(self):
        """The variant's network, its weights and biases set."""
        net = EXAMPLES[self.example][0]()
        for name in net.parameter_names():
            net[name] = float(self.givens[name])
        return net

    def sample(self):
        net = self.network()
        return ([float(self.givens[name]) for name in net.input_names],
                [float(self.givens[f"target_{n.name}"]) for n in net.output_layer.neurons])

    def _claims(self, what, preface, answers):
        """A claims file: the header, ``preface``, the givens, then the ``answers`` lines."""
        net = self.network()
        return "\n".join(
            [f"# neurosim exercises: {what}, student {self.number} of {self.students} "
             f"(seed {self.seed})", f"# {self.example}: {_describe(self.example)}",
             "# Grade it:  neurosim check <this file>", "#"] + preface
            + [f"network = {self.example}",
               "inputs = " + ", ".join(self.givens[n] for n in net.input_names),
               "targets = " + ", ".join(self.givens[f"target_{n.name}"]
                                        for n in net.output_layer.neurons),
               "# the weights and biases of this variant"]
            + [f"{name} = {self.givens[name]}" for name in net.parameter_names()]
            + answers) + "\n"

    def form(self):
        """The answers form: a claims file with a blank after every question."""
        return self._claims("answers form",
                            ["# Fill in every blank (or delete the line of a question you skip);",
                             "# each number is checked to half a unit of its last digit.", ""],
                            ["", "# your answers"] + [f"{name} = " for name in self.questions])

    def key(self):
        """The answer key: a claims file that ``neurosim check`` confirms."""
        return self._claims("answer key", [], ["", "# the answers"] + [
            f"{name} = {self.printed(name)}" for name in self.questions])

    def printed(self, name):
        """The answer to ``name`` to the variant's significant digits (no ``-0``)."""
        text = format(self.answers[name], f"#.{self.digits}g")
        return "0" if float(text) == 0 else text

    def html(self):
        """The printable sheet: a page of its own (one per student when concatenated)."""
        inputs, targets = self.sample()
        blanks = "".join(f'<tr><th>{escape(name)}</th><td class="blank" '
                         f'data-quantity="{escape(name)}"></td></tr>' for name in self.questions)
        return (f'<section class="sheet" data-student="{self.student}">'
                f"<h1>Backpropagation by hand: exercise {self.number}</h1>"
                f'<p class="who">Name: <span class="line"></span></p>'
                f"<p>{escape(_describe(self.example))} One training step on the sample below. "
                f"Write each asked quantity to at least four significant digits.</p>"
                f"<figure>{diagram(self.network(), inputs=inputs, targets=targets)}</figure>"
                f'<div class="columns"><table class="givens"><caption>Given</caption>'
                f"{_rows(self.givens.items())}"
                f'</table><table class="answers"><caption>Asked</caption>{blanks}</table></div>'
                f'<p class="how">To have it graded, type your answers into '
                f"<code>answers_{self.number}.txt</code> and run <code>neurosim check "
                f"answers_{self.number}.txt</code>.</p></section>")


def _rows(pairs):
    return "".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>"
                   for name, value in pairs)


def _describe(example):
    net = EXAMPLES[example][0]()
    acts = ", ".join(sorted({layer.activation.name for layer in net.layers}))
    rules = (f"learning rate {net.learning_rate:g}"
             + (f", weight decay {net.weight_decay:g}" if net.weight_decay else "")
             + ("" if net.train_biases else ", biases not updated"))
    return (f"A {'-'.join(map(str, net.layer_sizes))} network ({acts}, {net.loss.name}; "
            f"{rules}).")


def default_questions(net):
    """The usual questions of one step: the first hidden and output neuron's ``out``, the
    total error, the first output's ``delta``, the gradient and update of its first weight,
    then the same for the first hidden neuron's first weight."""
    hidden, output = net.layers[0].neurons[0], net.output_layer.neurons[0]
    return list(dict.fromkeys([
        f"out_{hidden.name}", f"out_{output.name}", "E_total", f"delta_{output.name}",
        f"dE/d{output.weight_names[0]}", f"{output.weight_names[0]}+", f"delta_{hidden.name}",
        f"dE/d{hidden.weight_names[0]}", f"{hidden.weight_names[0]}+"]))


def _draw(example, rng):
    """A variant's givens: the inputs, then targets a sigmoid can reach (0.01 to 0.99), then
    the weights and biases, from whole numbers when the example's are, else 0.05s."""
    net = EXAMPLES[example][0]()
    params = net.parameter_names()
    grid = ([str(k) for k in range(-2, 3) if k]
            if all(float(net[name]).is_integer() for name in params)
            else [num(k / 20) for k in range(-19, 20) if k])
    givens = {name: rng.choice([v for v in grid if float(v) > 0]) for name in net.input_names}
    givens.update((f"target_{n.name}", rng.choice([num(k / 100) for k in range(1, 100)]))
                  for n in net.output_layer.neurons)
    givens.update((name, rng.choice(grid)) for name in params)
    return givens


def variants(example="mazur", *, students=1, seed=0, questions=None, digits=9):
    """``students`` variants of ``example``'s step, drawn from ``seed``: student k's numbers
    depend only on the seed and k (so a class of 30 and one of 31 share the first 30 sheets,
    unless two drew the same numbers: a repeat is drawn again).

    ``questions`` are quantity names (default :func:`default_questions`); a given (``w5``,
    ``i1``) is refused: ask for ``w5+``.
    """
    if example not in EXAMPLES:
        raise ConfigurationError(f"example must be one of {', '.join(EXAMPLES)}, "
                                 f"got {example!r}")
    check_count("students", students, 1, MOST_STUDENTS)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigurationError(f"seed must be a whole number 0 or more, got {seed!r}")
    check_count("digits", digits, 4, 17)
    net = EXAMPLES[example][0]()
    asked = _questions(net, default_questions(net) if questions is None else questions)
    drawn, seen = [], set()
    for student in range(1, students + 1):
        rng = random.Random(f"neurosim exercises {example} {seed} {student}")
        givens = _draw(example, rng)
        while tuple(givens.values()) in seen:       # no two students share their numbers
            givens = _draw(example, rng)
        seen.add(tuple(givens.values()))
        variant = Variant(example, student, students, seed, givens, asked, {}, digits)
        values = quantities.of_step(variant.network(), *variant.sample())
        drawn.append(variant._replace(answers={name: values[name] for name in asked}))
    return drawn


def _questions(net, names):
    names = list(names.replace(",", " ").split() if isinstance(names, str) else names)
    if not names:
        raise ConfigurationError("questions must name at least one quantity, got none")
    known = quantities.names(net)
    givens = set(net.parameter_names()) | set(net.input_names) | {
        f"target_{n.name}" for n in net.output_layer.neurons}
    for name in names:
        canonical = quantities.canonical(str(name))
        if canonical in givens:
            instead = (f"{canonical}+" if canonical in net.parameter_names()
                       else f"out_{net.output_layer.neurons[0].name}")
            raise ConfigurationError(f"question {name!r} is a given of the problem (each "
                                     f"variant prints it); ask for a computed quantity, e.g. "
                                     f"{instead!r}")
        if canonical not in known:
            close = [k for k in known if k.startswith(canonical.split("_")[0])][:5]
            raise UnknownNameError(f"question {name!r} is not a quantity of this network's "
                                   f"step; names are the worksheet's, e.g. "
                                   f"{', '.join(close or known[:5])}")
    return list(dict.fromkeys(quantities.canonical(str(name)) for name in names))


CSS = """
body { font-family: "DejaVu Sans", "Noto Sans", sans-serif; color: #1d232b; margin: 0; }
.sheet { padding: 1.2cm 1.5cm; max-width: 19cm; margin: 0 auto; }
.sheet + .sheet { break-before: page; page-break-before: always; }
h1 { font-size: 1.4rem; margin: 0 0 0.4rem; }
.who .line { display: inline-block; width: 9cm; border-bottom: 1px solid #555; }
figure { margin: 0.6rem 0; }
figure svg { width: 100%; height: auto; max-height: 9cm; }
svg .edge line.w { stroke: #8d99a6; stroke-width: 2; } svg .edge line.hit { stroke: none; }
svg circle { fill: #f4f6f8; stroke: #555; stroke-width: 2; }
svg text { fill: #1d232b; } svg text.name { font-weight: bold; }
svg rect.bias { fill: #f6f1e4; stroke: #b49a5a; }
svg line.bias-edge { stroke: #b49a5a; stroke-dasharray: 5 4; }
.columns { display: flex; gap: 1.2cm; flex-wrap: wrap; align-items: flex-start; }
table { border-collapse: collapse; } caption { text-align: left; font-weight: bold; }
th { text-align: left; padding: 0.15rem 0.8rem 0.15rem 0; font-weight: normal;
  font-family: "DejaVu Sans Mono", monospace; }
td.blank { width: 6cm; border-bottom: 1px solid #555; height: 1.6rem; }
.how { color: #5a6572; font-size: 0.85rem; }
@media print { .sheet { padding: 0; } }
"""


def document(title, sections):
    """One HTML file of ``sections`` (each a page when printed)."""
    return page(title, CSS, "\n".join(sections) + "\n")


def keys_html(variants):
    """Every variant's answers on printable pages: the teacher's key."""
    def key(v):
        givens = ", ".join(f"{name} = {value}" for name, value in v.givens.items())
        return (f'<section class="sheet" data-student="{v.student}"><h1>Answer key: exercise '
                f'{v.number}</h1><p>{escape(givens)}</p><table class="key">'
                f"{_rows((name, v.printed(name)) for name in v.questions)}</table></section>")
    return document("neurosim exercises: answer keys", [key(v) for v in variants])
