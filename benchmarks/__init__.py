"""Benchmarks of neurosim against the pure-Python limit (issue 3).

``python -m benchmarks`` (or ``python benchmarks/run.py``); ``--quick`` for a CI smoke,
``--json PATH`` for the numbers. Modules: ``flat`` (the flat reference, the yardstick),
``seedstyle`` (Mazur's object structure), ``workloads`` (W1, W2, W3 and the sweep, with the
shared initial weights), ``run`` (the harness). Not part of the installed package.
"""
