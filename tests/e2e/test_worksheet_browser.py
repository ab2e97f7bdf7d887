"""The HTML worksheet in a real headless Chromium: a screenshot that is not blank, and a rendered
DOM holding the MathML and the SVG, with the formulas laid out as mathematics (a fraction is
taller than a number) and the chain-rule highlighting working.

Needs Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it when it can)
or another Chromium/Chrome on the PATH, or its path in ``NEUROSIM_CHROMIUM``; skips with the
reason otherwise.
"""

import html
import json
import os
import shutil
import struct
import subprocess
import zlib

import pytest

from neurosim.render.worksheet import worksheet

WIDTH, HEIGHT = 1600, 1000
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]


def find_browser():
    candidates = [os.environ.get("NEUROSIM_CHROMIUM")] + [
        shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome",
                                        "google-chrome-stable")]
    for path in candidates:
        if path and os.path.exists(path):
            return path
    pytest.skip("no headless Chromium found: install Debian's chromium (apt-get install "
                "chromium) or set NEUROSIM_CHROMIUM to a Chromium or Chrome executable")


def run_browser(browser, tmp_path, *args):
    profile = tmp_path / f"profile-{len(os.listdir(tmp_path))}"
    profile.mkdir()
    done = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout


def decode_png(data):
    """(width, height, rows of (r, g, b) pixels) of an 8-bit RGB or RGBA PNG (standard library)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
        elif kind == b"IDAT":
            idat += body
    bpp = 3 if color == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(idat)
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        previous = line
    return width, height, rows


@pytest.fixture(scope="module")
def browser():
    return find_browser()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshot_is_not_blank(browser, tmp_path, lang):
    page = tmp_path / f"mazur-{lang}.html"
    page.write_text(worksheet(format="html", lang=lang), encoding="utf-8")
    shot = tmp_path / f"mazur-{lang}.png"
    run_browser(browser, tmp_path, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}",
                page.as_uri())
    width, height, rows = decode_png(shot.read_bytes())
    assert (width, height) == (WIDTH, HEIGHT)
    pixels = [p for row in rows[::4] for p in row[::4]]     # a sample: every 16th pixel
    counts = {}
    for p in pixels:
        counts[p] = counts.get(p, 0) + 1
    background = max(counts, key=counts.get)
    # ink: clearly darker or more coloured than the page (text, lines, circles, borders)
    ink = [p for p in pixels if sum(abs(u - v) for u, v in zip(p, background)) > 60]
    assert len(ink) > 0.02 * len(pixels), f"only {len(ink)} of {len(pixels)} pixels drawn"
    assert len(counts) > 100                                 # antialiased text, colours
    left = [p for row in rows[200:600:4] for p in row[50:600:4]]      # the diagram
    right = [p for row in rows[200:900:4] for p in row[700:1550:4]]   # the formulas
    for region in (left, right):
        dark = sum(sum(abs(u - v) for u, v in zip(p, background)) > 60 for p in region)
        assert dark > 0.02 * len(region), (dark, len(region))


PROBE = """<script>
(function () {
  var frac = document.querySelector(".eq mfrac").getBoundingClientRect();
  var mn = document.querySelector(".eq mn").getBoundingClientRect();
  var svg = document.querySelector("svg").getBoundingClientRect();
  var edge = document.querySelector('svg .edge[data-w="w1"]');
  edge.dispatchEvent(new MouseEvent("mouseenter"));
  var lit = Array.prototype.map.call(document.querySelectorAll(".eq.hl"),
                                     function (row) { return row.getAttribute("data-q"); });
  document.title = JSON.stringify({frac: frac.height, mn: mn.height, svg: svg.width,
                                   lit: lit, edge: edge.classList.contains("hl")});
})();
</script></body>"""


def test_rendered_dom_holds_mathml_and_svg(browser, tmp_path):
    source = worksheet(format="html")
    page = tmp_path / "probe.html"
    page.write_text(source.replace("</body>", PROBE), encoding="utf-8")
    dom = run_browser(browser, tmp_path, "--dump-dom", f"--window-size={WIDTH},{HEIGHT}",
                      page.as_uri())
    assert dom.count("<math") == source.count("<math") > 50
    assert "<mfrac>" in dom and "<msub>" in dom and "<mn>0.593269992</mn>" in dom
    assert "<svg" in dom and 'data-w="w5"' in dom and "w5 = 0.4" in dom
    probe = json.loads(html.unescape(dom.split("<title>")[1].split("</title>")[0]))
    # MathML laid out as mathematics: a fraction is stacked, taller than a number beside it
    assert probe["frac"] > 1.5 * probe["mn"] > 0
    assert probe["svg"] > 300
    # pointing at w1 lights the lines of its chain rule (and the connection itself)
    assert probe["edge"] is True
    assert set(probe["lit"]) == {"dE/dw1", "w1+", "dE/dout_h1", "dout_h1/dnet_h1", "delta_h1",
                                 "dE_o1/dout_h1", "dE_o2/dout_h1", "delta_o1", "delta_o2"}


# -- nothing hidden: every equation wraps within its card (issue 16 item 1) ----------------------

OVERFLOW = """<script>
(function () {
  var hidden = [];
  document.querySelectorAll(".eq, .eq .side, .eq math, dd, dd math, .card").forEach(function (el) {
    var box = el.getBoundingClientRect(), outer = el.parentElement.getBoundingClientRect();
    var row = el.closest(".eq");
    var name = row ? row.getAttribute("data-q") : el.tagName;
    if (el.clientWidth && el.scrollWidth > el.clientWidth + 1)
      hidden.push([name, "scrolls", el.scrollWidth, el.clientWidth]);
    if (box.right > outer.right + 1) hidden.push([name, "sticks out", box.right, outer.right]);
  });
  var target = window.parent === window ? document : window.parent.document;
  target.title = JSON.stringify({hidden: hidden, width: window.innerWidth,
                                 page: document.documentElement.scrollWidth});
})();
</script></body>"""


def overflow(browser, tmp_path, source, width):
    """What is hidden or sticks out at a window ``width`` px wide. A headless window is at least
    500 px wide, so a phone is an iframe of its width (``srcdoc``: same origin as the page)."""
    page = source.replace("</body>", OVERFLOW)
    window = width
    if width < 500:
        page = ('<!DOCTYPE html><html><head><title>-</title></head><body style="margin:0">'
                f'<iframe width="{width}" height="900" srcdoc="{html.escape(page)}"></iframe>'
                "</body></html>")
        window = 500
    path = tmp_path / f"overflow-{width}.html"
    path.write_text(page, encoding="utf-8")
    dom = run_browser(browser, tmp_path, "--dump-dom", f"--window-size={window},900",
                      path.as_uri())
    return json.loads(html.unescape(dom.split("<title>")[1].split("</title>")[0]))


@pytest.mark.parametrize("width", [1200, 360])
@pytest.mark.parametrize("example", ["mazur", "seed002"])
def test_no_equation_is_cut_off_on_a_projector_or_a_phone(browser, tmp_path, width, example):
    """At 1200 px the net_o1+ line hid its "+ 0.6" in a sideways scroll (issue 16 item 1)."""
    from neurosim.worked_examples import SEED002_INPUTS, SEED002_TARGETS, seed002
    source = (worksheet(format="html") if example == "mazur" else
              worksheet(seed002(), SEED002_INPUTS, SEED002_TARGETS, format="html"))
    found = overflow(browser, tmp_path, source, width)
    assert found["width"] == width and found["page"] <= width
    assert found["hidden"] == []
