"""Seed 002 ("BP算法推演", a 2-3-2-1 network) checked: its first wrong number and the slips.

The post works one step of a network with two hidden layers by hand. neurosim recomputes it,
finds the first printed number it cannot reproduce, tells which later numbers are wrong only
because that one was carried forward, and searches for the slips that make the rest hold.

    python demos/check_seed002.py

The same from the command line: ``neurosim check demos/claims/seed002.json``.
"""

import os

from neurosim import check

CLAIMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "claims", "seed002.json")


def main():
    report = check(CLAIMS)
    print(report)
    first = report.first_wrong
    print("\nFor the class")
    print("-------------")
    if first is None:
        print("Every printed number holds.")
        return
    print(f"The first number that does not follow from the network as stated is "
          f"{first.name} = {first.printed} (neurosim: {first.simulated!r}).")
    if report.consequences:
        print(f"Wrong only because it was carried forward: {', '.join(report.consequences)}.")
    print(f"\n{len(report.slips)} slips make the printed numbers hold:")
    for k, slip in enumerate(report.slips, 1):
        print(f"  {k}. {slip['text']}")
        print(f"     explains {', '.join(slip['explains'])}")
    typos = [r for r in report.results if r.kind == "typo"]
    for r in typos:
        print(f"\nA typo: {r.name} = {r.printed}: {r.explanation}")
    unexplained = [r for r in report.results if r.kind == "unexplained"]
    if unexplained:
        print(f"\nNot explained: {', '.join(r.name for r in unexplained)}")


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main)
