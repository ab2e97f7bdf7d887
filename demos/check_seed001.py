"""Seed 001 (Mazur's "A Step by Step Backpropagation Example") checked figure by figure.

Two sets of printed figures: the original post's and the Chinese text of seed 001. neurosim
checks each against its own step and says, for every figure it does not reproduce, what does
reproduce it: another rule, another step count, or a typo.

    python demos/check_seed001.py

The same from the command line: ``neurosim check demos/claims/mazur_original.txt``.
"""

import os

from neurosim import check

CLAIMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "claims")

SOURCES = (
    ("Mazur's original post", "mazur_original.txt"),
    ("Seed 001, the Chinese text", "mazur_seed001_zh.txt"),
)

#: how a class should read each kind of explanation
KINDS = {
    "rule": "computed under another rule than the text states",
    "steps": "computed after another number of updates",
    "typo": "probable typos (the figures after them follow the right value)",
    "slip": "arithmetic slips, carried forward",
    "consequence": "wrong only because an earlier wrong figure was carried forward",
    "rounding": "off only by the rounding carried from printed figures",
}


def lesson(report):
    """The report's verdicts, grouped by kind: what a class takes away from one post."""
    groups = {}
    for result in report.results:
        if result.status != "right":
            groups.setdefault(result.kind or result.status, []).append(result)
    right = sum(r.status == "right" for r in report.results)
    lines = [f"{right} of {len(report.results)} figures are exactly what neurosim computes."]
    for kind, results in groups.items():
        lines.append(f"{KINDS.get(kind, kind).capitalize()}: {len(results)}")
        for r in results:
            lines.append(f"    {r.name} = {r.printed}: {r.explanation}")
    return "\n".join(lines)


def main():
    for title, filename in SOURCES:
        report = check(os.path.join(CLAIMS, filename))
        print(f"{title}\n{'=' * len(title)}\n")
        print(report)
        print(f"\nIn short\n--------\n{lesson(report)}\n\n")
    print("The text's rule (hidden deltas from w5..w8 before their update) is what neurosim")
    print("computes by default; NeuralNetwork(..., hidden_deltas='updated_weights') is the rule")
    print("behind the long-run figures. See demos/mazur_step_by_step.py for both runs.")


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main)
