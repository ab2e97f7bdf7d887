"""``neurosim page``: the files it writes, the folders it refuses, the archive Pyodide unpacks,
the server of ``--serve``, and its errors (one line, exit 2).

The page itself, in a browser with Pyodide, is tested in tests/e2e/test_page_browser.py; its
Python side (neurosim.page.bridge) in tests/unit/test_page_bridge.py.
"""

import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
import zipfile

import pytest

from neurosim.cli import main
from neurosim.commands import page as command

#: A local HTTP server needs sockets and threads (not in Pyodide's file-system-only sandbox).
needs_sockets = pytest.mark.skipif(
    sys.platform == "emscripten",
    reason="serving the page needs sockets and threads, which are POSIX (Pyodide has neither)")

FILES = {"index.html", "page.js", "page.css", "worksheet.html", "neurosim.zip", ".neurosim-page"}


def config_of(folder):
    text = (folder / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<script id="config" type="application/json">(.*?)</script>', text, re.S)
    return json.loads(match.group(1))


def test_writes_the_site_with_mazur_by_default(tmp_path, capsys):
    folder = tmp_path / "site"
    assert main(["page", "-o", str(folder)]) == 0
    assert set(os.listdir(folder)) == FILES
    assert "wrote" in capsys.readouterr().out
    config = config_of(folder)
    assert config["pyodide"] == "https://cdn.jsdelivr.net/pyodide/v314.0.8/full/"
    assert config["state"]["inputs"] == [0.05, 0.1] and config["state"]["targets"] == [0.01, 0.99]
    weights = [w for layer in config["state"]["network"]["layers"] for n in layer["neurons"]
               for w in n["weights"]]
    assert weights == [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55]         # Mazur's figure
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "neurosim page --serve" in index                  # the file:// notice
    assert "{{" not in index
    assert "0.593269992" in (folder / "worksheet.html").read_text(encoding="utf-8")


def test_the_archive_is_this_neurosim_package_and_nothing_from_pypi(tmp_path):
    import neurosim
    folder = tmp_path / "site"
    assert main(["page", "-o", str(folder)]) == 0
    with zipfile.ZipFile(folder / "neurosim.zip") as archive:
        names = set(archive.namelist())
        init = archive.read("neurosim/__init__.py").decode("utf-8")
    assert {"neurosim/__init__.py", "neurosim/page/bridge.py", "neurosim/network.py",
            "neurosim/data/iris.csv"} <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    with open(neurosim.__file__, encoding="utf-8") as f:
        assert init == f.read()
    script = (folder / "page.js").read_text(encoding="utf-8")
    assert "unpackArchive" in script and "micropip" not in script and "loadPackage" not in script


def test_options_example_language_and_pyodide(tmp_path):
    folder = tmp_path / "site"
    assert main(["page", "-o", str(folder), "--example", "seed002", "--lang", "zh",
                 "--pyodide", "/pyodide"]) == 0
    config = config_of(folder)
    assert config["pyodide"] == "/pyodide/" and config["lang"] == "zh"
    assert config["state"]["inputs"] == [1.0, 2.0] and config["state"]["targets"] == [1.0]
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in index and "neurosim page --serve" in index


def test_a_saved_network_with_its_sample(tmp_path):
    from neurosim.worked_examples import mazur
    net = mazur()
    net["w5"] = 0.3
    net.save(str(tmp_path / "net.json"))
    folder = tmp_path / "site"
    assert main(["page", "-o", str(folder), "--network", str(tmp_path / "net.json"),
                 "--input", "0.5", "0.25", "--target", "0", "1"]) == 0
    state = config_of(folder)["state"]
    assert state["network"]["layers"][1]["neurons"][0]["weights"] == [0.3, 0.45]
    assert state["inputs"] == [0.5, 0.25] and state["targets"] == [0.0, 1.0]


def test_rewrites_its_own_page_but_not_a_folder_of_other_files(tmp_path, capsys):
    folder = tmp_path / "site"
    assert main(["page", "-o", str(folder)]) == 0
    assert main(["page", "-o", str(folder), "--lang", "zh"]) == 0      # its own: rewritten
    assert config_of(folder)["lang"] == "zh"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my own page\n")
    capsys.readouterr()
    assert main(["page", "-o", str(mine)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 2 and "holds other files (index.html)" in err
    assert "--force" in err
    assert (mine / "index.html").read_text() == "my own page\n"     # untouched
    assert os.listdir(mine) == ["index.html"]
    # --force adds the page and removes nothing else
    (mine / "notes.txt").write_text("keep me\n")
    assert main(["page", "-o", str(mine), "--force"]) == 0
    assert (mine / "notes.txt").read_text() == "keep me\n"
    assert FILES <= set(os.listdir(mine))


def test_an_empty_folder_is_used(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert main(["page", "-o", str(folder)]) == 0
    assert set(os.listdir(folder)) == FILES


@pytest.mark.parametrize("argv, message", [
    (["page"], "needs -o DIR"),
    (["page", "-o", "{file}"], "is a file"),
    (["page", "-o", "{dir}", "--network", "{missing}", "--input", "1", "1", "--target", "0",
      "0"], "missing.json"),
    (["page", "-o", "{dir}", "--input", "1", "--target", "0", "1"], "inputs"),
    (["page", "-o", "{dir}", "--input", "x", "1"], "--input takes numbers, got 'x'"),
    (["page", "-o", "{dir}", "--pyodide", " "], "--pyodide must be a URL or a path"),
    (["page", "-o", "{dir}", "--example", "mazur", "--network", "{missing}"], "not both"),
    (["page", "-o", "{dir}", "--serve", "--port", "70000"], "--port must be from 0"),
])
def test_errors_are_one_line_and_exit_2(tmp_path, capsys, argv, message):
    (tmp_path / "a-file").write_text("x")
    fields = {"file": str(tmp_path / "a-file"), "dir": str(tmp_path / "out"),
              "missing": str(tmp_path / "missing.json")}
    assert main([a.format(**fields) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neurosim page: error: ") and message in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_serve_without_output_needs_a_page_here(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["page", "--serve"]) == 2
    assert "holds no neurosim page" in capsys.readouterr().err


@needs_sockets
def test_the_server_serves_scripts_and_webassembly_with_their_types(tmp_path):
    folder = tmp_path / "site"
    command.write_site(str(folder), __import__("neurosim.page.bridge").page.bridge.example())
    (folder / "x.wasm").write_bytes(b"\0asm")
    (folder / "x.mjs").write_text("export {};\n")
    server = command.make_server(str(folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        types = {}
        for name in ("index.html", "page.js", "x.mjs", "x.wasm", "neurosim.zip"):
            with urllib.request.urlopen(base + name, timeout=30) as response:
                types[name] = response.headers["Content-Type"].split(";")[0]
        assert types == {"index.html": "text/html", "page.js": "text/javascript",
                         "x.mjs": "text/javascript", "x.wasm": "application/wasm",
                         "neurosim.zip": "application/zip"}
    finally:
        server.shutdown()
        server.server_close()


@needs_sockets
def test_serve_opens_the_browser_on_the_served_page(tmp_path, monkeypatch):
    """``serve`` prints the address, opens it, and stops on Ctrl-C (a KeyboardInterrupt)."""
    import webbrowser
    folder = tmp_path / "site"
    command.write_site(str(folder), __import__("neurosim.page.bridge").page.bridge.example())
    opened = []

    def fake_forever(self, *args, **kwargs):    # the server as serve() made it, then Ctrl-C
        opened.append((self.server_address, self.RequestHandlerClass.keywords["directory"]))
        raise KeyboardInterrupt

    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url))
    monkeypatch.setattr(command.http.server.ThreadingHTTPServer, "serve_forever", fake_forever)
    command.serve(str(folder))
    (host, port), directory = opened[1]
    assert opened[0] == f"http://127.0.0.1:{port}/" and host == "127.0.0.1" and port > 0
    assert directory == str(folder)


def test_subprocess_writes_the_site(tmp_path):
    folder = tmp_path / "site"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, "-m", "neurosim", "page", "-o", str(folder)],
                          capture_output=True, text=True, timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr
    assert FILES <= set(os.listdir(folder))
