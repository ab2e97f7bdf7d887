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
from dataclasses import dataclass
from fractions import Fraction

from .. import quantities
from ..errors import ConfigurationError, UnknownNameError
from ..worked_examples import EXAMPLES
from .mathml import escape
from .svg import diagram

__all__ = ["Variant", "variants", "default_questions", "keys_html"]

MOST_STUDENTS = 500


@dataclass(frozen=True)
class Variant:
    """One student's problem: ``example`` (a worked example's name), ``student`` (1, 2, ...),
    ``givens`` (name -> value: inputs, targets, weights, biases, as printed), ``questions``
    (quantity names, in order), ``answers`` (name -> full-precision value) and ``digits``."""
    example: str
    student: int
    students: int
    seed: int
    givens: dict
    questions: list
    answers: dict
    digits: int

    @property
    def number(self):
        """The student's number as the file names write it: 03 of 30."""
        return f"{self.student:0{max(2, len(str(self.students)))}d}"

    def network(self):
        """The variant's network, its weights and biases set."""
        make = EXAMPLES[self.example][0]
        net = make()
        for name, value in self.givens.items():
            if name in net.parameter_names():
                net[name] = float(value)
        return net

    def sample(self):
        net = self.network()
        inputs = [float(self.givens[name]) for name in net.input_names]
        targets = [float(self.givens[f"target_{n.name}"]) for n in net.output_layer.neurons]
        return inputs, targets

    def _header(self, what):
        return [f"# neurosim exercises: {what}, student {self.number} of {self.students} "
                f"(seed {self.seed})",
                f"# {self.example}: {_describe(self.example)}",
                "# Grade it:  neurosim check <this file>",
                "#"]

    def _givens(self):
        net = self.network()
        lines = [f"network = {self.example}",
                 "inputs = " + ", ".join(self.givens[n] for n in net.input_names),
                 "targets = " + ", ".join(self.givens[f"target_{n.name}"]
                                          for n in net.output_layer.neurons),
                 "# the weights and biases of this variant"]
        lines += [f"{name} = {self.givens[name]}" for name in net.parameter_names()]
        return lines

    def form(self):
        """The answers form: a claims file with a blank after every question."""
        return "\n".join(self._header("answers form")
                         + ["# Fill in every blank (or delete the line of a question you skip);",
                            "# each number is checked to half a unit of its last digit.", ""]
                         + self._givens() + ["", "# your answers"]
                         + [f"{name} = " for name in self.questions]) + "\n"

    def key(self):
        """The answer key: a claims file that ``neurosim check`` confirms."""
        return "\n".join(self._header("answer key") + self._givens() + ["", "# the answers"]
                         + [f"{name} = {self.printed(name)}" for name in self.questions]) + "\n"

    def printed(self, name):
        """The answer to ``name`` to the variant's significant digits (no ``-0``)."""
        text = format(self.answers[name], f"#.{self.digits}g")
        return "0" if float(text) == 0 else text

    def html(self):
        """The printable sheet: a page of its own (one per student when concatenated)."""
        net = self.network()
        inputs, targets = self.sample()
        svg = diagram(net, inputs=inputs, targets=targets)
        givens = "".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>"
                         for name, value in self.givens.items())
        blanks = "".join(f'<tr><th>{escape(name)}</th><td class="blank" '
                         f'data-quantity="{escape(name)}"></td></tr>' for name in self.questions)
        return (f'<section class="sheet" data-student="{self.student}">'
                f"<h1>Backpropagation by hand: exercise {self.number}</h1>"
                f'<p class="who">Name: <span class="line"></span></p>'
                f"<p>{escape(_describe(self.example))} One training step on the sample below. "
                f"Write each asked quantity to at least four significant digits.</p>"
                f"<figure>{svg}</figure>"
                f'<div class="columns"><table class="givens"><caption>Given</caption>{givens}'
                f'</table><table class="answers"><caption>Asked</caption>{blanks}</table></div>'
                f'<p class="how">To have it graded, type your answers into '
                f"<code>answers_{self.number}.txt</code> and run <code>neurosim check "
                f"answers_{self.number}.txt</code>.</p></section>")


def _describe(example):
    net = EXAMPLES[example][0]()
    acts = ", ".join(sorted({layer.activation.name for layer in net.layers}))
    rules = f"learning rate {net.learning_rate:g}"
    if net.weight_decay:
        rules += f", weight decay {net.weight_decay:g}"
    if not net.train_biases:
        rules += ", biases not updated"
    return (f"A {'-'.join(map(str, net.layer_sizes))} network ({acts}, {net.loss.name}; "
            f"{rules}).")


def default_questions(net):
    """The usual questions of one step: the first hidden and output neuron's ``out``, the
    total error, the first output's ``delta``, the gradient and update of its first weight,
    then the same for the first hidden neuron's first weight."""
    hidden = net.layers[0].neurons[0]
    output = net.output_layer.neurons[0]
    questions = [f"out_{hidden.name}", f"out_{output.name}", "E_total", f"delta_{output.name}",
                 f"dE/d{output.weight_names[0]}", f"{output.weight_names[0]}+",
                 f"delta_{hidden.name}", f"dE/d{hidden.weight_names[0]}",
                 f"{hidden.weight_names[0]}+"]
    return list(dict.fromkeys(questions))


def _grid(example_values):
    """The values a variant draws from: whole numbers when the example's are, else 0.05s."""
    if all(float(v).is_integer() for v in example_values):
        return [str(k) for k in range(-2, 3) if k]
    return [_decimal(Fraction(k, 20)) for k in range(-19, 20) if k]


def _decimal(fraction):
    return format(float(fraction), ".2f").rstrip("0").rstrip(".")


def _draw(example, rng):
    net = EXAMPLES[example][0]()
    params = net.parameter_names()
    grid = _grid([net[name] for name in params])
    givens = {}
    positive = [v for v in grid if float(v) > 0]
    for name in net.input_names:
        givens[name] = rng.choice(positive)
    unit = [_decimal(Fraction(k, 100)) for k in range(1, 100)]
    for n in net.output_layer.neurons:      # targets a sigmoid can reach: 0.01 to 0.99
        givens[f"target_{n.name}"] = rng.choice(unit)
    for name in params:
        givens[name] = rng.choice(grid)
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
    if isinstance(students, bool) or not isinstance(students, int) \
            or not 1 <= students <= MOST_STUDENTS:
        raise ConfigurationError(f"students must be a whole number from 1 to {MOST_STUDENTS}, "
                                 f"got {students!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigurationError(f"seed must be a whole number 0 or more, got {seed!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 4 <= digits <= 17:
        raise ConfigurationError(f"digits must be a whole number from 4 to 17, got {digits!r}")
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
        inputs, targets = variant.sample()
        values = quantities.of_step(variant.network(), inputs, targets)
        drawn.append(Variant(example, student, students, seed, givens, asked,
                             {name: values[name] for name in asked}, digits))
    return drawn


def _questions(net, names):
    if isinstance(names, str):
        names = [n for n in names.replace(",", " ").split() if n]
    names = list(names)
    if not names:
        raise ConfigurationError("questions must name at least one quantity, got none")
    known = quantities.names(net)
    givens = set(net.parameter_names()) | set(net.input_names) | {
        f"target_{n.name}" for n in net.output_layer.neurons}
    asked = []
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
        if canonical not in asked:
            asked.append(canonical)
    return asked


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
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(sections) + "\n</body>\n</html>\n")


def keys_html(variants):
    """Every variant's answers on printable pages: the teacher's key."""
    sections = []
    for v in variants:
        rows = "".join(f"<tr><th>{escape(name)}</th><td>{escape(v.printed(name))}</td></tr>"
                       for name in v.questions)
        givens = ", ".join(f"{name} = {value}" for name, value in v.givens.items())
        sections.append(f'<section class="sheet" data-student="{v.student}"><h1>Answer key: '
                        f"exercise {v.number}</h1><p>{escape(givens)}</p>"
                        f'<table class="key">{rows}</table></section>')
    return document("neurosim exercises: answer keys", sections)
