"""Check a hand calculation of backpropagation: find the first wrong number, name the slip.

Teachers grade hand calculations and blog posts print them, mistakes included. Write the
numbers down as claims, named as in the worksheet (:mod:`neurosim.quantities`)::

    out_h1 = 0.593269992
    dE_total/dw5 = 0.082167041
    w5+ = 0.35891648
    E_total+ = 0.291027924          # the error after the update
    E_total@10000 = 0.0000351085    # ... after 10,000 updates

and :func:`check` judges each against neurosim's own step (the format, with the inputs,
targets, learning rate and weights a file may give: :mod:`.claims`):

* **tolerance**: half a unit of the last printed digit, plus the rounding carried from the
  printed figures the claim is computed from (or ``name = value ± tol``); a claim printed to 3
  significant digits or more that is off only because an unprinted intermediate was rounded to
  its digits counts as *rounding*, not wrong;
* **the first wrong claim** in the order of the calculation (the step's events, then the values
  after the update, then long-run figures), and the later claims that are wrong **only as its
  consequences**: they hold once its printed value is carried forward;
* **the likely slip**, found by recomputing the step (:mod:`.graph`, :mod:`.diagnose`) under
  other rules (hidden deltas from the updated weights, the loss without the 1/2, f for f',
  biases updated or not, shared or per-neuron biases, a transposed weight matrix, a sign
  error), with one given read differently (a digit, a zero, the sign, a neighbour's value;
  everywhere or in one formula), or one intermediate slipped and carried forward; long-run
  figures under other training rules and step counts (:mod:`.longrun`); a number whose later
  figures follow the right value is a **probable typo** (:mod:`.slips` says which digit).

>>> from neurosim.hand_check import check
>>> report = check('''
... out_o1 = 0.75136507
... E_total = 0.298371109
... dE_o2/dout_h1 = -0.019049119     # rounding carried from delta_o2
... w5+ = 0.35891648
... E_total+ = 0.291027924
... ''')
>>> report.ok, report.first_wrong.name
(False, 'E_total+')
>>> print(report["E_total+"].explanation)
holds with hidden deltas from the updated weights (w+ in the backward messages)
>>> report["dE_o2/dout_h1"].status
'rounding'
"""

from .checking import check
from .claims import Claim, ClaimSheet, parse, read
from .report import CheckReport, ClaimResult

__all__ = ["check", "Claim", "ClaimSheet", "CheckReport", "ClaimResult", "parse", "read"]
