"""``neurosim page``: the classroom page, a static site that runs neurosim itself in the browser.

The folder it writes holds ``index.html``, ``page.js``, ``page.css``, ``bridge`` glue in
neurosim itself, ``neurosim.zip`` (this neurosim package, which the page unpacks into Pyodide
with ``pyodide.unpackArchive``: never fetched by name from PyPI, where the name ``neurosim``
belongs to an unrelated project) and ``worksheet.html`` (the static worksheet, shown when the
page is opened from the disk, where browsers refuse to start Pyodide). Any static host can
serve the folder; ``--serve`` serves it on localhost and opens the browser.

A folder is written only when it is new, empty, or a page this command wrote before (it holds
the marker file ``.neurosim-page``); a folder holding anything else is refused unless
``--force`` (which adds the page's files and removes nothing).
"""

import functools
import html
import http.server
import io
import json
import os
import pathlib
import sys
import webbrowser
import zipfile
from importlib import resources

import neurosim
from ..errors import ConfigurationError, FileError
from ..page import bridge
from ..render.worksheet import worksheet
from . import add_network_arguments, network_and_sample, write_files

HELP = ("write the classroom page: a static site that runs neurosim in the browser (Pyodide) "
        "to step, edit and train the hand calculation live; --serve opens it")
EXAMPLE = """\
examples:
  neurosim page -o mazur-page --serve       # write it, serve it, open a browser
  neurosim page -o seed002-page --example seed002 --lang zh
  neurosim page -o mine --network demos/net.json --input .05 .1 --target .01 .99
  neurosim page -o offline --pyodide /pyodide/   # Pyodide from the same server
  cd mazur-page && neurosim page --serve    # serve a page written before
"""

#: The Pyodide release the page loads by default (its official CDN); --pyodide overrides it.
PYODIDE_VERSION = "314.0.8"
PYODIDE_CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"

#: The file that marks a folder as a page this command wrote (so rewriting it needs no --force).
MARKER = ".neurosim-page"
ARCHIVE = "neurosim.zip"


def add_arguments(parser):
    parser.add_argument("-o", "--output", metavar="DIR",
                        help="the folder to write the site into (new, empty, or a page "
                             "written before); with --serve alone: the current folder")
    add_network_arguments(parser, page=True)
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the page (default: en; the page can switch)")
    parser.add_argument("--pyodide", metavar="URL", default=PYODIDE_CDN,
                        help=f"where the page loads Pyodide from (default: the official CDN, "
                             f"{PYODIDE_CDN}); a local copy for offline classrooms")
    parser.add_argument("--serve", action="store_true",
                        help="serve the folder on localhost (a free port) and open the browser")
    parser.add_argument("--port", type=int, default=0,
                        help="the port for --serve (default: a free one)")
    parser.add_argument("--force", action="store_true",
                        help="write into a folder that holds other files (they are kept)")


def run(args):
    if not 0 <= args.port <= 65535:
        raise ConfigurationError(f"--port must be from 0 (a free one) to 65535, got {args.port}")
    if args.output is None:
        if not args.serve:
            raise ConfigurationError("neurosim page needs -o DIR, the folder to write the "
                                     "site into (or --serve in a folder holding a page)")
        folder = os.getcwd()
        if not os.path.exists(os.path.join(folder, MARKER)):
            raise ConfigurationError(f"--serve without -o serves the current folder, but "
                                     f"{folder} holds no neurosim page\nwrite one first: "
                                     f"neurosim page -o DIR --serve")
    else:
        folder = args.output
        written = write_site(folder, network_state(args), pyodide=args.pyodide,
                             lang=args.lang, force=args.force)
        print(f"neurosim page: wrote {folder} ({', '.join(written)})")
    if args.serve:
        serve(folder, port=args.port)
    return 0


def network_state(args):
    """The page's opening state from --example / --network / --input / --target."""
    net, inputs, targets = network_and_sample(args)
    return bridge.state_of(net, net._vector(inputs, "inputs"), net._vector(targets, "targets"),
                           args.lang)


def check_folder(folder, force=False):
    """Refuse a folder the page must not be written into: a file, or a folder holding other
    files and no page (unless ``force``)."""
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise FileError(f"-o must name a folder, but {folder!r} is a file\nchoose a new "
                        f"folder name, e.g. -o page")
    entries = os.listdir(folder) if os.path.isdir(folder) else []
    if entries and MARKER not in entries and not force:
        shown = ", ".join(sorted(entries)[:4]) + (", ..." if len(entries) > 4 else "")
        raise FileError(f"the folder {folder!r} holds other files ({shown}) and no neurosim "
                        f"page\nchoose a new or empty folder, or give --force to add the page's "
                        f"files there (nothing else is removed)")


def archive_bytes():
    """This neurosim package as a zip (``neurosim/...``), for ``pyodide.unpackArchive``:
    the Python sources and the data files, no caches, no dot files; the same bytes for the
    same sources (fixed dates, sorted names)."""
    package = pathlib.Path(neurosim.__file__).resolve().parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package.rglob("*")):
            name = path.relative_to(package.parent).as_posix()
            if path.is_file() and path.suffix not in (".pyc", ".pyo") and not any(
                    part == "__pycache__" or part.startswith(".") for part in name.split("/")):
                archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)),
                                 path.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write_site(folder, state, *, pyodide=PYODIDE_CDN, lang="en", force=False):
    """Write the page into ``folder``; return the names written."""
    if not isinstance(pyodide, str) or not pyodide.strip():
        raise ConfigurationError(f"--pyodide must be a URL or a path, got {pyodide!r}")
    pyodide = pyodide.strip()
    pyodide += "" if pyodide.endswith("/") else "/"
    check_folder(folder, force)
    config = {"pyodide": pyodide, "lang": lang, "state": state, "archive": ARCHIVE,
              "texts": bridge.TEXTS, "datasets": list(bridge.DATASETS)}
    page = resources.files("neurosim.page")
    files = {
        "index.html": page.joinpath("index.html").read_text(encoding="utf-8")
        .replace("{{lang}}", lang)
        .replace("{{config}}", json.dumps(config, ensure_ascii=False).replace("</", "<\\/"))
        .replace("{{notice}}", html.escape(bridge.TEXTS[lang]["file_notice"]))
        .replace("{{title}}", html.escape(bridge.TEXTS[lang]["title"])),
        "page.js": page.joinpath("page.js").read_text(encoding="utf-8"),
        "page.css": page.joinpath("page.css").read_text(encoding="utf-8"),
        "worksheet.html": worksheet(*bridge.problem(state), format="html", lang=lang),
        ARCHIVE: archive_bytes(),
        MARKER: "This folder was written by `neurosim page`; it may be rewritten by it.\n",
    }
    write_files(folder, files, force)
    return [name for name in files if name != MARKER]


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types a module script and WebAssembly need, and no log lines."""

    extensions_map = dict(http.server.SimpleHTTPRequestHandler.extensions_map,
                          **{".js": "text/javascript", ".mjs": "text/javascript",
                             ".wasm": "application/wasm", ".json": "application/json",
                             ".zip": "application/zip", ".css": "text/css"})

    def log_message(self, format, *args):
        pass


def make_server(folder, port=0):
    """An HTTP server for ``folder`` on 127.0.0.1 (``port`` 0: a free one); not started."""
    handler = functools.partial(_Handler, directory=os.fspath(folder))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise FileError(f"cannot serve on port {port}: {error.strerror or error}\ngive another "
                        f"--port, or 0 for a free one") from None


def serve(folder, port=0):
    """Serve ``folder`` until Ctrl-C, opening the page in the browser."""
    server = make_server(folder, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"neurosim page: serving {folder} at {url} (Ctrl-C stops)", flush=True)
    webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("neurosim page: stopped", file=sys.stderr)
    finally:
        server.server_close()
