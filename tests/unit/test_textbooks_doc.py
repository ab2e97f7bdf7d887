"""docs/topics/textbooks.rst: its examples are doctests (the README's run through setup.cfg's
--doctest-glob; this page is run here)."""

import doctest
import os

PAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))), "docs", "topics", "textbooks.rst")


def test_the_textbooks_page_runs():
    result = doctest.testfile(PAGE, module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted >= 8
    assert result.failed == 0
