"""Every notebook in demos/ runs from top to bottom in a fresh kernel (nbclient), so that it
cannot rot: each of its code cells ends with an ``assert`` on the published figures or on what
the cell shows, and a failing one fails here with the cell and its traceback.

Needs the ``test`` extra's nbclient, nbformat and ipykernel; without them the test is skipped
and says why. The kernel runs in the repository's root, so it imports this checkout's neurosim.
"""

import glob
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "demos", "*.ipynb")))
TIMEOUT = 600  # seconds per cell; the slowest (the gradient-check property) takes a few


def test_the_tutorial_is_there():
    assert os.path.join(ROOT, "demos", "tutorial.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_runs(path, monkeypatch):
    if sys.platform == "emscripten":
        pytest.skip(f"Pyodide ({sys.platform}) cannot start processes; a notebook runs in a "
                    f"kernel process")
    nbformat = pytest.importorskip("nbformat", reason="running the notebooks needs nbformat "
                                                      "(pip install -e '.[test]')")
    nbclient = pytest.importorskip("nbclient", reason="running the notebooks needs nbclient "
                                                      "(pip install -e '.[test]')")
    pytest.importorskip("ipykernel", reason="running the notebooks needs ipykernel "
                                            "(pip install -e '.[test]')")
    pytest.importorskip("matplotlib", reason="the notebooks draw with matplotlib "
                                             "(pip install -e '.[demo]')")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("PYTHONPATH", ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:                 # committed without outputs: nothing stale
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path
    client = nbclient.NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": ROOT}})
    client.execute()
    shown = [output for cell in notebook.cells if cell.cell_type == "code"
             for output in cell.outputs]
    assert not [o for o in shown if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in shown
            if o.output_type == "execute_result" and "text/html" in o.get("data", {})]
    if os.path.basename(path) == "tutorial.ipynb":
        # the rich views: network, record, neuron, worksheet, gradcheck, check, history
        assert len(html) >= 7
        assert any(h.startswith("<iframe srcdoc=") for h in html)
        images = [o for o in shown if "image/png" in o.get("data", {})]
        assert len(images) == 2                 # the loss curve and the decision boundary
