"""Sphinx configuration for neurosim's documentation.

Build the site, and run every example in it as a doctest (CI does both, through
tests/test_docs.py)::

    pip install -e '.[docs]'
    sphinx-build -W -b html docs docs/_build/html
    sphinx-build -W -b doctest docs docs/_build/doctest

The build needs no network: no intersphinx, no theme or extension beyond Sphinx itself.
"""

import doctest
import io
import os
import sys

from docutils import nodes
from docutils.core import publish_doctree
from sphinx.util import logging

# The checkout's neurosim, whether or not it is installed.
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

import neurosim  # noqa: E402  (after the path above)

project = "neurosim"
author = "the neurosim authors"
copyright = "2026, " + author
release = version = neurosim.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.doctest"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
# Wide enough for the examples' 100-character lines without a sideways scroll.
html_theme_options = {"page_width": "1280px", "body_max_width": "auto"}
html_static_path = []
# The built site carries no copies of the .rst sources (the checkout has them).
html_copy_source = False
html_show_sourcelink = False

# The API reference: members in the order of the source (the order the docstrings teach in).
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "none"

# The doctest builder runs every ``>>>`` block of the pages with the same flags as pytest
# (setup.cfg: NORMALIZE_WHITESPACE ELLIPSIS). Sphinx's default would add
# IGNORE_EXCEPTION_DETAIL, which would let a wrong error message pass: the messages are part
# of what the examples teach.
doctest_default_flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _docstring_examples_are_not_rerun(app, doctree):
    """The ``>>>`` examples of the docstrings are tested by pytest (``--doctest-modules``), in
    their module's namespace, which is where they are written to run. In the pages, autodoc
    puts them out of that namespace, so the doctest builder would run them wrongly: there they
    are shown as Python sessions (highlighted the same way) and not run a second time."""
    for block in list(doctree.findall(nodes.doctest_block)):
        if "docstring of" in (block.source or ""):
            text = block.astext()
            block.replace_self(nodes.literal_block(text, text, language="pycon"))


# Messages about Sphinx's own roles and directives (``:mod:``, ``.. versionadded::``), which
# plain docutils does not know but the build does.
_SPHINX_MARKUP = ("Unknown interpreted text role", "Unknown directive type")
_shown_as_written = []


def _rst_problems(text, env):
    """The warnings and errors docutils reports for ``text`` on its own, Sphinx's markup aside
    (``env``: Sphinx's build environment, which its roles and directives look up)."""
    stream = io.StringIO()
    publish_doctree(text, settings_overrides={"report_level": 2, "halt_level": 5,
                                              "warning_stream": stream, "env": env})
    reports = [line for line in stream.getvalue().splitlines()
               if "(WARNING/2)" in line or "(ERROR/3)" in line or "(SEVERE/4)" in line]
    return [line for line in reports if not any(m in line for m in _SPHINX_MARKUP)]


def _docstrings_that_are_not_rst_shown_as_written(app, what, name, obj, options, lines):
    """Show a docstring that is not valid reStructuredText as ``help()`` shows it.

    The docstrings are written for ``help()`` and a terminal first; most are also valid
    reStructuredText and render as such. One that is not (a formula with ``|v|``, an
    indented continuation line) would otherwise fail the build under ``-W`` or render
    mangled; it is shown preformatted, exactly as written, and listed at the end of the build
    so that it can be fixed.
    """
    text = "\n".join(lines)
    if text.strip() and _rst_problems(text, app.env):
        _shown_as_written.append(name)
        lines[:] = ["::", ""] + [("    " + line) if line.strip() else "" for line in lines] + [""]


def _list_docstrings_shown_as_written(app, exception):
    if _shown_as_written:
        logging.getLogger(__name__).info(
            "docstrings shown as written (not valid reStructuredText): %s",
            ", ".join(sorted(set(_shown_as_written))))


def setup(app):
    app.connect("autodoc-process-docstring", _docstrings_that_are_not_rst_shown_as_written)
    app.connect("doctree-read", _docstring_examples_are_not_rerun)
    app.connect("build-finished", _list_docstrings_shown_as_written)
