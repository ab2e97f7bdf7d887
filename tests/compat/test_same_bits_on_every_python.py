"""One summation order: the same training gives the same bits on every Python from 3.10 on.

Python 3.12 made ``sum()`` of floats compensated, so a step written with ``sum()`` gives other
bits on 3.12+ than on 3.10 and 3.11 (after 50 steps of a 64-32-10 network, 909 of its 2,368
weights differed). neurosim adds every sum left to right (neurosim/calculation.py). This test
trains the same network on every CPython this machine has (pyenv's, and python3.X on PATH),
each importing neurosim from this checkout, and compares every final weight bit for bit; a
Python the machine lacks is not tried, and with fewer than two the test skips, saying so.
"""

import glob
import hashlib
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = r"""
import hashlib, random, sys
sys.path.insert(0, sys.argv[1])
from neurosim import NeuralNetwork
rng = random.Random(3)
for sizes, options in (([64, 32, 10], {}), ([3, 5, 4, 2], {"momentum": 0.9, "weight_decay": 0.01,
                        "bias": "shared", "activation": "tanh"}), ([80, 70, 3], {})):
    net = NeuralNetwork(sizes, seed=7, **options)
    for step in range(50):
        x = [rng.uniform(-1, 1) for _ in range(sizes[0])]
        t = [rng.uniform(0, 1) for _ in range(sizes[-1])]
        net.train(x, t)
    digest = hashlib.sha256()
    for layer in net.layers:
        for n in layer.neurons:
            digest.update(" ".join(w.hex() for w in n.weights + [n.bias]).encode())
    print(sizes, digest.hexdigest())
"""


def _pythons():
    found = {}
    candidates = sorted(glob.glob("/root/.pyenv/versions/3.*/bin/python3"))
    candidates += [shutil.which(f"python3.{minor}") for minor in range(10, 16)]
    for path in filter(None, candidates):
        try:
            text = subprocess.run([path, "-c", "import sys; print(*sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=30).stdout.split()
            version = tuple(map(int, text))
        except (OSError, subprocess.SubprocessError, ValueError):
            continue
        if version >= (3, 10) and version not in found:
            found[version] = path
    return found


def test_fifty_steps_give_the_same_bits_on_every_python():
    pythons = _pythons()
    if len(pythons) < 2:
        pytest.skip(f"only {len(pythons)} CPython 3.10+ on this machine: {sorted(pythons)}")
    results = {}
    for version, path in sorted(pythons.items()):
        run = subprocess.run([path, "-c", SCRIPT, ROOT], capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, f"{version}: {run.stderr}"
        results[version] = run.stdout
    mine = subprocess.run([sys.executable, "-c", SCRIPT, ROOT], capture_output=True,
                          text=True, timeout=300).stdout
    assert mine, "the script printed nothing"
    for version, output in results.items():
        assert output == mine, f"Python {version} gives other bits than {sys.version_info[:2]}"
