"""How neurosim writes a number, everywhere: the event lines, the worksheets, the stepper, the
tables of ``train``, gradcheck and the PyTorch comparison, the plots' labels.

One rule, so that a figure reads the same wherever it appears:

- ``digits`` is the number of significant digits, exactly at most that many (trailing zeros
  dropped, as a hand calculation writes 0.5, not 0.500000000): Mazur's net_o1 = 1.105905967
  has ten, so ``num(net_o1, 10)`` writes it as printed and ``num(net_o1, 9)`` as 1.10590597;
- never ``-0``: a negative zero is written ``0`` (it is equal to zero, and a student copying
  ``-0`` into a hand calculation would wonder what was lost);
- after an operator (``operand=True``) a negative number stands in parentheses, once:
  ``0.5*(-0.25)``, ``tanh(-0.23)`` is the caller's business (a function's argument needs none);
- ``exponent=True`` writes scientific notation with ``digits`` significant digits (the
  differences column of a gradient check: ``1.2e-11``);
- ``None`` (a lone partial not defined in floating point, see :mod:`neurosim.losses`) is written
  as ``missing``.

>>> num(1.1059059670597702), num(1.1059059670597702, 10), num(2.9999942, 6)
('1.10590597', '1.105905967', '2.99999')
>>> num(-0.0), num(-0.0, exponent=True, digits=2), num(-0.25, operand=True)
('0', '0.0e+00', '(-0.25)')
>>> num(None), num(None, missing="-")
('not defined', '-')
"""

import math
from decimal import Decimal

__all__ = ["num", "DIGITS", "beyond"]

#: Significant digits when none are asked for (Mazur prints nine).
DIGITS = 9


def num(x, digits=DIGITS, *, operand=False, exponent=False, missing="not defined"):
    """``x`` with ``digits`` significant digits (see the module's docstring for the rules)."""
    if x is None:
        return missing
    if x == 0:
        x = 0.0             # -0.0 and 0 alike: "0"
    text = format(x, f".{digits - 1}e" if exponent else f".{digits}g")
    return f"({text})" if operand and text.startswith("-") else text


def beyond(value, printed):
    """``value`` with two digits more than the figure ``printed`` (a string) shows, at most 17
    significant: the neurosim column of ``neurosim check``'s table, beside a book's figure.

    >>> beyond(0.2983711087600027, "0.298371109"), beyond(1.5e-05, "1.2e-5")
    ('0.29837110876', '1.500e-05')
    """
    if value is None or not math.isfinite(value):
        return repr(value)
    d = Decimal(printed).as_tuple()
    if "e" in printed.lower():
        return f"{value:.{min(16, len(d.digits) + 1)}e}"
    decimals = max(0, -d.exponent) + 2
    if value:
        decimals = min(decimals, 16 - math.floor(math.log10(abs(value))))
    return f"{value:.{max(decimals, 0)}f}"
