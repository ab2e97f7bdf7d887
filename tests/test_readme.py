"""README.rst is valid reStructuredText: PyPI and GitHub render it, and a malformed table or a
Sphinx-only role (``:mod:``) shows there as raw text or an error box. Its examples run as
doctests (setup.cfg's addopts); this checks the markup."""

import os

import pytest

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.rst")


def test_readme_is_valid_restructuredtext():
    core = pytest.importorskip("docutils.core", reason="docutils comes with the test extra")
    import io
    warnings = io.StringIO()
    with open(README, encoding="utf-8") as f:
        core.publish_string(f.read(), writer="null",
                            settings_overrides={"report_level": 2, "halt_level": 5,
                                                "warning_stream": warnings})
    assert warnings.getvalue() == ""
