"""Differences that state their own error, and the verdict on one derivative.

A central difference of a function E at a point, with step h::

    D(h) = (E(v + h) - E(v - h)) / 2h  =  E'(v) + h^2 E'''(v) / 6 + ...   (truncation)
                                        +  (e(v + h) - e(v - h)) / 2h     (rounding)

has two errors. Truncation comes from the Taylor terms the difference does not cancel; it is
estimated without knowing E''' from a second difference at twice the step, as Richardson
extrapolation does: D(2h) - D(h) = 3 h^2 E'''/6 + ..., so::

    truncation of D(h)  ~  |D(2h) - D(h)| / 3           (taken twice: ``SAFETY``)

Rounding comes from the errors e of the computed values of E, each at most ``noise`` (a bound
the caller derives from the computation, about u |E| with u = 2^-53 for floats); the
difference divides it by 2h, so it is at most ``(noise(v + h) + noise(v - h)) / 2h``.
numdifftools (after D'Errico's derivest) reports such an error estimate with every derivative
and keeps, of several steps, the one whose estimate is smallest; :func:`judge_steps` does too.

The five values E(v - 2h) ... E(v + 2h) also give the two one-sided derivatives, each exact for
a quadratic (the first-order slopes extrapolated to v)::

    left   =  (3 E(v) - 4 E(v - h) + E(v - 2h)) / 2h
    right  = -(3 E(v) - 4 E(v + h) + E(v + 2h)) / 2h

On a smooth function both equal E'(v) + h^2 E'''(v)/3 + ..., and their difference
``left - right = h^3 E''''(v) / 2 + ...`` is far below the truncation estimate. Where E has a
kink within 2h of v (a ReLU at net = 0, a clipped loss) the two sides see different slopes and
``left - right`` is of the size of the jump: the stencil is not smooth. Chainer's
``numerical_grad(detect_nondifferentiable=True)`` makes the same test with a quadratic fit of
five values; here it is judged against the same error estimates as everything else.

Verdicts (:func:`judge`), for an analytic value ``a`` with an allowance of its own (its
rounding, plus the caller's ``atol + rtol * |reference|``):

``FAIL``
    smooth stencil: ``|a - D(h)| > estimate + allowance``; or a kink where ``a`` agrees with
    neither one-sided derivative (within their error) and does not lie between them. A
    derivative whose sign is flipped in a flat, clipped region is such a FAIL: one side is 0,
    the other has the true sign.
``ok``
    smooth stencil, ``|a - D(h)| <= estimate + allowance``, and the comparison resolves the
    derivative: the estimate plus the analytic value's own rounding is at most
    ``RESOLUTION`` (1 %) of ``max(|a|, |D(h)|)``, so that a derivative wrong by more than that
    (its sign flipped, say) would fail; or at most u |E| / max(1, |v|), a derivative too small
    to move E's last digit, which is how a derivative of 0 is resolved.
``unresolved``
    agreement, but the errors are larger than that: the derivative is below what differences
    (or the analytic value's own rounding) can resolve at this point: |a| and |D| are both
    within about 100 errors of 0. It does not fail; an exact oracle (``precise=True``)
    resolves it, unless the analytic value's own rounding is what stands in the way.
``kink``
    the stencil is not smooth and ``a`` agrees with one of the one-sided derivatives or lies
    between them (Caffe's gradient checker asks the same of a kink, caffe#1334): E is not
    differentiable there and the analytic value is one of its one-sided derivatives. The
    caller may know of kinks the values cannot show (``kinks``: a ReLU's net crossing 0); with
    two or more of them within the stencil the slope between them, which is what the analytic
    value is, cannot be measured at all, and the row is a ``kink`` whatever its value.

Each verdict also gives the ``score`` that decides it: ``|a - reference| / tolerance``, above 1
for a FAIL. A derivative wrong by 0.1 % fails wherever the estimate is below 0.1 % of it, which
on Mazur's network it is by more than two orders of magnitude (``benchmarks/accuracy.py
trust`` measures it on random ones).
"""

import math
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Stencil", "measure", "judge", "judge_steps", "finite", "unusable", "U", "ETA",
           "RESOLUTION"]

#: The unit roundoff of float64: every correctly rounded operation errs by at most
#: u |result| + eta (Higham, Accuracy and Stability of Numerical Algorithms, section 2.1).
U = 2.0 ** -53
#: eta: the spacing of the subnormal floats, the absolute error of a result that underflows.
ETA = math.ulp(0.0)
#: The largest estimate, relative to the derivative, for which agreement counts as ``ok``.
RESOLUTION = 0.01
#: The factor on Richardson's truncation estimate |D(2h) - D(h)| / 3, which is exact only
#: while the h^2 term dominates (the h^4 term may add to it).
SAFETY = 2


@dataclass(frozen=True)
class Stencil:
    """What five values of E around v say about E'(v), with the errors of each statement."""

    step: float
    central: float       # D(h)
    rounding: float      # bound on the rounding error of D(h)
    truncation: float    # |D(2h) - D(h)| / 3
    estimate: float      # the error estimate of ``central``: rounding + truncation
    left: float          # one-sided derivatives, second order
    right: float
    side_error: float    # error estimate of left and right
    #: Whether E is differentiable across the stencil, as far as anyone can tell: no kink
    #: known to lie within it, and one-sided derivatives that agree within their errors
    #: (|left - right| within what rounding and truncation may make of it on a smooth E).
    smooth: bool
    finite: bool = True
    kinks: int = 0       # kinks known to lie within the stencil (from the computation)


def measure(values, offsets, noise, step=None, kinks=0, offset_noise=0.0):
    """The :class:`Stencil` of five values of E.

    ``values[k]`` is E at ``v + offsets[k]`` for k = -2, -1, 0, 1, 2, where ``offsets[k]`` is
    the step actually taken (about k h; (v + kh) - v as the arithmetic computes it), and
    ``noise[k]`` a bound on the rounding error of ``values[k]``. Values may be floats or
    Decimals (then every difference is taken in Decimal and converted to float at the end).
    ``step`` is the h asked for (default: half the distance between the offsets of +-1);
    ``kinks`` the number of kinks the caller knows to lie within the stencil;
    ``offset_noise`` a bound on the rounding of each offset, for offsets that were measured
    rather than set (it moves a difference as much as an error of slope * offset_noise in E).
    """
    E, x, n = values, offsets, noise
    h = float(x[1] - x[-1]) / 2
    step = h if step is None else step
    if not all(map(finite, E.values())):
        return unusable(step)
    # Every difference in the arithmetic of the values (Decimal stays Decimal), floats at the end.
    central = (E[1] - E[-1]) / (x[1] - x[-1])
    double = (E[2] - E[-2]) / (x[2] - x[-2])
    # first-order slopes, each the derivative at the midpoint of its interval ...
    b1, b2 = (E[0] - E[-1]) / -x[-1], (E[-1] - E[-2]) / (x[-1] - x[-2])
    f1, f2 = (E[1] - E[0]) / x[1], (E[2] - E[1]) / (x[2] - x[1])
    m_b1, m_b2, m_f1, m_f2 = x[-1] / 2, (x[-1] + x[-2]) / 2, x[1] / 2, (x[1] + x[2]) / 2
    # ... and the straight line through each side's two, at v
    left = b1 + (b1 - b2) * (0 - m_b1) / (m_b1 - m_b2)
    right = f1 + (f2 - f1) * (0 - m_f1) / (m_f2 - m_f1)
    if offset_noise:
        slope = max(abs(float(v)) for v in (central, double, b1, b2, f1, f2))
        n = {k: n[k] + slope * (offset_noise if k else 0.0) for k in n}
    rounding = (n[1] + n[-1]) / (2 * h)
    truncation = SAFETY * abs(float(double - central)) / 3
    side_rounding = (3 * n[0] + 4 * max(n[-1], n[1]) + max(n[-2], n[2])) / (2 * h)
    jump_rounding = (6 * n[0] + 4 * (n[-1] + n[1]) + n[-2] + n[2]) / (2 * h)
    side_error = (side_rounding + 2 * truncation
                  + max(abs(float(b1 - b2)), abs(float(f2 - f1))) / 2)
    smooth = not kinks and abs(float(left - right)) <= jump_rounding + 3 * truncation
    return Stencil(step, float(central), rounding, truncation, rounding + truncation,
                   float(left), float(right), side_error, smooth, kinks=kinks)


@dataclass(frozen=True)
class Verdict:
    """A row's status, the reference it was judged against, and by how much."""

    status: str
    reference: float     # D(h), or for a kink the nearer one-sided derivative
    difference: float    # |a - reference| (0 for a kink between the two sides)
    tolerance: float     # the largest difference that passes
    estimate: float      # the error estimate of the reference
    stencil: Stencil

    @property
    def score(self):
        """difference / tolerance: above 1 for a FAIL (0 for no difference)."""
        return (0.0 if self.difference == 0
                else self.difference / self.tolerance if self.tolerance else math.inf)


def judge(a, allowance, stencil, rtol=0.0, atol=0.0, floor=0.0):
    """The :class:`Verdict` on analytic value ``a`` (see the module docstring).

    ``allowance`` is the analytic value's own rounding error; ``atol + rtol * |reference|`` is
    added to it. ``floor`` is a size below which a derivative does not matter (u |E| /
    max(1, |v|): it moves E by less than E's last digit when v moves by max(1, |v|)); errors
    below it resolve a derivative of any size, 0 included.
    """
    s = stencil
    if s.smooth:
        ref = s.central
        tolerance = s.estimate + (allowance + atol + rtol * abs(ref))
        difference = abs(a - ref)
        unresolved = s.estimate + allowance > max(RESOLUTION * max(abs(a), abs(ref)), floor)
        status = "FAIL" if difference > tolerance else "unresolved" if unresolved else "ok"
        return Verdict(status, ref, difference, tolerance, s.estimate, s)
    low, high = sorted((s.left, s.right))
    tolerance = s.side_error + allowance + atol + rtol * max(abs(low), abs(high))
    nearer = low if abs(a - low) <= abs(a - high) else high
    # several kinks closer together than any step: the slope between them is not measurable
    difference = 0.0 if s.kinks > 1 else max(0.0, low - a, a - high)
    status = "kink" if s.kinks > 1 or difference <= tolerance else "FAIL"
    return Verdict(status, nearer, difference, tolerance, s.side_error, s)


def judge_steps(a, allowance, stencil_at, h, rtol=0.0, atol=0.0, floor=0.0, *, factor=4.0,
                smaller=12, larger=4, refine=False):
    """Judge ``a`` at step ``h``; where that is not ``ok``, at other steps too, and keep the best.

    ``stencil_at(h)`` returns the :class:`Stencil` at step h. A row that is ``ok`` at ``h``
    stays so. Otherwise the steps h/4, h/16, ... (``factor`` = 4; at most ``smaller`` of them,
    while rounding has not outgrown everything there is to resolve) move a nearby kink or a
    steep stretch of E out of the stencil, and, for a row whose estimate is mostly rounding,
    the steps 4h, 16h, ... (at most ``larger``) shrink the rounding. Of the smooth stencils
    the one with the smallest estimate is judged; if none is smooth, the one with the smallest
    ``side_error`` (a kink). With ``refine``, a row ``ok`` at h whose estimate is mostly
    truncation is measured at smaller steps too, for a more exact reference. Returns (verdict,
    number of stencils measured); the verdict is None if no stencil could be measured.
    """
    first = stencil_at(h)
    verdict = judge(a, allowance, first, rtol, atol, floor) if first.finite else None
    if verdict and verdict.status == "ok" and not (refine and first.truncation > first.rounding):
        return verdict, 1
    tried = [first]
    scale = max([abs(a)] + [abs(first.central), abs(first.left), abs(first.right)] * first.finite)
    up = first.finite and first.smooth and first.rounding >= first.truncation
    factors = [factor ** (k if up else -k) for k in range(1, (larger if up else smaller) + 1)]
    best = first.estimate if first.finite and first.smooth else math.inf
    flat = 0
    for factor in factors:
        s = stencil_at(h * factor)
        tried.append(s)
        if not s.finite:
            continue
        best = min(best, s.estimate) if s.smooth else best
        if factor < 1 and s.rounding > max(best, scale):
            break  # rounding only grows from here
        if factor > 1:
            flat = flat + 1 if s.central == 0 and s.left == 0 and s.right == 0 else 0
            if flat >= 2 or s.truncation > best:
                break  # truncation only grows from here, or E does not move at all
    smooth = [s for s in tried if s.finite and s.smooth]
    usable = smooth or [s for s in tried if s.finite]
    if not usable:
        return None, len(tried)
    return judge(a, allowance, min(usable, key=lambda s: s.estimate if smooth else s.side_error),
                 rtol, atol, floor), len(tried)


def finite(value):
    """Whether a float or a Decimal is finite (a Decimal of 1e400 is, though not as a float)."""
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def unusable(step):
    """The stencil at ``step`` where no difference could be taken (a step lost in rounding, an
    overflow): not ``finite``, which the step search skips."""
    return Stencil(float(step), math.nan, math.inf, math.inf, math.inf, math.nan, math.nan,
                   math.inf, False, finite=False)
