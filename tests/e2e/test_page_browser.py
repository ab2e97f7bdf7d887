"""The classroom page (``neurosim page``) in a real headless Chromium, driven by selenium, with
neurosim running inside Pyodide: the page's numbers are neurosim's, read off the page through
its test hooks (``body[data-state]``, ``[data-action]``, ``[data-quantity][data-value]``,
``input[data-parameter]``) and compared with Mazur's published figures and with neurosim run
here in CPython.

Needs selenium (the ``test`` extra), Debian's ``chromium`` and ``chromium-driver`` (or
``NEUROSIM_CHROMIUM`` / ``NEUROSIM_CHROMEDRIVER``) and the npm package ``pyodide`` 314.0.8 in
``.ci/pyodide/node_modules/pyodide`` (``.ci/run`` installs all three) or in the folder
``NEUROSIM_PYODIDE`` names; skips with the reason otherwise. One browser and one loaded page
serve the whole module (Pyodide takes seconds to start); a test that needs the page as written
opens the link ``#`` (the page follows a changed hash without reloading Pyodide).

Screenshots of each view go to ``$NEUROSIM_SCREENSHOTS`` (default: a temporary folder; the path
is printed with ``-s``).
"""

import json
import math
import os
import shutil
import sys
import threading
import time
from decimal import Decimal

import pytest

from neurosim import quantities
from neurosim.page import bridge
from neurosim.worked_examples import mazur

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from published import MAZUR_INPUTS, MAZUR_LINES, MAZUR_TARGETS  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYODIDE = os.environ.get("NEUROSIM_PYODIDE") or os.path.join(ROOT, ".ci", "pyodide",
                                                             "node_modules", "pyodide")
WAIT = 180          # seconds: Pyodide's start on a loaded machine


def _missing():
    if sys.platform == "emscripten":
        return "already inside Pyodide: no browser to drive from here"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e .[test])"
    browser = os.environ.get("NEUROSIM_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    driver = os.environ.get("NEUROSIM_CHROMEDRIVER") or shutil.which("chromedriver")
    if not browser or not driver:
        return ("no chromium and chromedriver: apt-get install chromium chromium-driver (as "
                ".ci/run does), or set NEUROSIM_CHROMIUM and NEUROSIM_CHROMEDRIVER")
    if not os.path.isfile(os.path.join(PYODIDE, "pyodide.mjs")):
        return (f"the npm package pyodide is not in {PYODIDE}: npm install --prefix .ci/pyodide "
                f"pyodide@314.0.8 (as .ci/run does), or set NEUROSIM_PYODIDE")
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("NEUROSIM_SCREENSHOTS") or str(tmp_path_factory.mktemp("shots"))
    os.makedirs(folder, exist_ok=True)
    print(f"\nscreenshots of the page: {folder}")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The page written by the command's own function, Pyodide beside it, served on localhost."""
    from neurosim.commands.page import make_server, write_site
    folder = tmp_path_factory.mktemp("page") / "site"
    write_site(str(folder), bridge.example("mazur"), pyodide="pyodide/")
    os.symlink(os.path.abspath(PYODIDE), folder / "pyodide")
    server = make_server(str(folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def driver(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    options = Options()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--window-size=1400,1000",
                 "--hide-scrollbars"):
        options.add_argument(flag)
    browser = os.environ.get("NEUROSIM_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    options.binary_location = browser
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("NEUROSIM_CHROMEDRIVER") or shutil.which("chromedriver"))
    d = webdriver.Chrome(options=options, service=service)
    d.set_script_timeout(WAIT)
    d.get(site[1])
    wait_ready(d)
    yield d
    d.quit()


def wait_ready(d, timeout=WAIT):
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(d, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script("return document.body.dataset.state") == "ready")


def click(d, action):
    d.find_element("css selector", f'[data-action="{action}"]').click()
    wait_ready(d)


def value(d, name):
    """The full-precision value the page shows for ``name``, or None while it is blank."""
    found = d.find_elements("css selector", f'#values [data-quantity="{name}"]')
    assert found, f"the page shows no quantity {name}"
    return found[0].get_attribute("data-value")


def values(d):
    return d.execute_script(
        "const out = {}; for (const el of document.querySelectorAll('#values [data-quantity]'))"
        " if (el.dataset.value !== undefined) out[el.dataset.quantity] = el.dataset.value;"
        " return out;")


def set_parameter(d, name, text):
    field = d.find_element("css selector", f'input[data-parameter="{name}"]')
    d.execute_script("arguments[0].value = arguments[1];"
                     "arguments[0].dispatchEvent(new Event('change'));", field, text)
    wait_ready(d)


def open_link(d, hash_):
    """Open ``#...`` in the loaded page (no reload: the page follows the hash)."""
    if d.execute_script("return location.hash") == hash_:
        return
    d.execute_script("document.body.dataset.state = 'busy'; location.hash = arguments[0];", hash_)
    wait_ready(d)
    if hash_ == "#":        # the page as written: the hash it writes back is its own
        assert d.find_element("css selector", 'input[data-parameter="w5"]').get_attribute(
            "value") == "0.4"


def within_printed(printed, simulated):
    """Right to the digits printed: within half a unit of the last printed digit."""
    exponent = Decimal(printed).as_tuple().exponent
    return abs(Decimal(simulated) - Decimal(printed)) <= Decimal(5) * Decimal(10) ** (exponent - 1)


def screenshot(d, shots, name):
    path = os.path.join(shots, name + ".png")
    d.save_screenshot(path)
    return path


def severe_console_messages(d):
    return [entry for entry in d.get_log("browser") if entry["level"] == "SEVERE"]


# -- stepping ---------------------------------------------------------------------------------

def test_stepping_mazur_shows_the_published_figures_one_message_at_a_time(driver, shots):
    d = driver
    open_link(d, "#")
    click(d, "reset")
    assert values(d) == {}, "nothing is computed before the first message"
    names = quantities.names(mazur())
    published = {quantities.canonical(k): v for k, v in MAZUR_LINES.items()}
    record_length = len(mazur().train(MAZUR_INPUTS, MAZUR_TARGETS, record=True))
    seen = 0
    while True:
        before = values(d)
        click(d, "next")
        after = values(d)
        new = set(after) - set(before)
        if not new:
            break
        seen += 1
        assert len(new) == 1, new                    # one message: one new quantity
        (name,) = new
        assert name in names
        message = d.find_element("css selector", "#message .formula")
        assert message.get_attribute("data-message") == name
        assert "<math" in message.get_attribute("innerHTML")
        if seen == 1:               # w1*i1: its connection is lit on the diagram
            assert d.find_elements("css selector", '#diagram .edge.hl[data-w="w1"]')
            screenshot(d, shots, "1-step-first-message")
        if name == "E_total":
            screenshot(d, shots, "2-step-total-error")
    # every event of the record, then the forward pass after the update (net_h1+ ... E_total+)
    after = [n for n in names if n.endswith("+") and n.startswith(("net_", "out_", "E_"))]
    assert seen == record_length + len(after) == 55 + 11   # Mazur's 53 and dE/di1, dE/di2
    shown = values(d)
    for name, printed in published.items():
        assert within_printed(printed, shown[name]), (name, printed, shown[name])
    screenshot(d, shots, "3-step-finished")
    # back: the last message's value is blank again, the one before stays
    click(d, "back")
    assert value(d, "E_total+") is None and value(d, "E_o2+") is not None
    click(d, "reset")
    assert values(d) == {}
    # next phase: the whole forward pass at once, nothing of the error yet
    click(d, "phase")
    assert value(d, "out_o2") is not None and value(d, "E_o1") is None
    # the keyboard: the right arrow is next
    d.find_element("css selector", "body").send_keys("\ue014")     # ArrowRight
    wait_ready(d)
    assert value(d, "E_o1") == repr(float(value(d, "E_o1")))
    click(d, "finish")
    assert values(d)["w5+"] == shown["w5+"]
    assert severe_console_messages(d) == []


def test_editing_a_weight_recomputes_as_neurosim_does_in_python(driver, shots):
    d = driver
    open_link(d, "#")
    click(d, "finish")
    set_parameter(d, "w5", "0.3")
    set_parameter(d, "i2", "0.2")
    shown = values(d)
    net = mazur()
    net["w5"] = 0.3
    expected = quantities.of_step(net, [0.05, 0.2], MAZUR_TARGETS)
    assert len(shown) > 60
    for name, text in shown.items():
        # Pyodide's libm may differ from this machine's by an ulp or so in exp (issue 12)
        assert math.isclose(float(text), expected[name], rel_tol=1e-13, abs_tol=1e-300), name
    assert float(shown["w5+"]) != float(MAZUR_LINES["w5+"])
    # a value that is not a number: one line saying so, nothing recomputed
    set_parameter(d, "w6", "abc")
    assert "w6 must be a number" in d.find_element("css selector", "#notice").text
    assert values(d) == shown
    screenshot(d, shots, "4-step-edited")


def test_run_steps_trains_on_the_sample(driver):
    d = driver
    open_link(d, "#")
    field = d.find_element("css selector", '[data-setting="steps"]')
    d.execute_script("arguments[0].value = '3';", field)
    click(d, "run")
    net = mazur()
    for _ in range(3):
        net.train(MAZUR_INPUTS, MAZUR_TARGETS)
    w5 = d.find_element("css selector", 'input[data-parameter="w5"]').get_attribute("value")
    assert math.isclose(float(w5), net["w5"], rel_tol=1e-13)


def test_the_page_state_survives_in_its_link(driver, site):
    d = driver
    open_link(d, "#")
    set_parameter(d, "w7", "-0.25")
    for _ in range(5):
        click(d, "next")
    before = values(d)
    link = d.current_url
    assert "#s=" in link
    d.get("about:blank")
    d.get(link)                     # a full load, from the link alone
    wait_ready(d)
    assert d.find_element("css selector", 'input[data-parameter="w7"]').get_attribute(
        "value") == "-0.25"
    assert values(d) == before and len(before) == 5
    assert severe_console_messages(d) == []


# -- the exercise -------------------------------------------------------------------------------

def test_exercise_hides_values_and_judges_answers_as_neurosim_check(driver, shots):
    d = driver
    open_link(d, "#")
    click(d, "reset")
    d.find_element("css selector", '[data-setting="teacher"]').click()
    wait_ready(d)
    d.find_element("css selector", '[data-hide="out_h1"]').click()
    d.find_element("css selector", '[data-setting="teacher"]').click()   # the student's view
    wait_ready(d)
    click(d, "phase")
    assert value(d, "out_h1") is None and value(d, "net_h1") == "0.3775"
    answer = d.find_element("css selector", 'input[data-answer="out_h1"]')
    answer.send_keys("0.593296992")          # two digits swapped
    click(d, "check")
    verdict = d.find_element("css selector", '[data-row="out_h1"] .verdict')
    assert "wrong" in verdict.get_attribute("class")
    screenshot(d, shots, "5-exercise-wrong")
    answer = d.find_element("css selector", 'input[data-answer="out_h1"]')
    answer.clear()
    answer.send_keys("0.593269992")
    click(d, "check")
    verdict = d.find_element("css selector", '[data-row="out_h1"] .verdict')
    assert "right" in verdict.get_attribute("class")
    assert value(d, "out_h1") == repr(quantities.of_step(mazur(), MAZUR_INPUTS,
                                                         MAZUR_TARGETS)["out_h1"])


# -- the training view --------------------------------------------------------------------------

def test_training_xor_until_it_separates(driver, shots):
    d = driver
    open_link(d, "#")
    d.find_element("css selector", '[data-view="train"]').click()
    wait_ready(d)
    assert d.find_element("css selector", '[data-quantity="epoch"]').get_attribute(
        "data-value") == "0"
    click(d, "play")
    deadline = time.time() + WAIT
    accuracy = None
    while time.time() < deadline:
        accuracy = d.find_element("css selector", '[data-quantity="accuracy"]').get_attribute(
            "data-value")
        if accuracy == "1.0":
            break
        time.sleep(0.2)
    d.find_element("css selector", '[data-action="play"]').click()      # pause
    wait_ready(d)
    assert accuracy == "1.0"
    epoch = d.find_element("css selector", '[data-quantity="epoch"]').get_attribute("data-value")
    time.sleep(0.5)
    assert d.find_element("css selector", '[data-quantity="epoch"]').get_attribute(
        "data-value") == epoch, "paused training goes on"
    # the boundary: the corners (0,0), (1,1) are class 0 (orange), (0,1), (1,0) class 1 (blue)
    colours = d.execute_script("""
        const c = document.getElementById('boundary'), ctx = c.getContext('2d');
        const at = (x, y) => Array.from(ctx.getImageData((x + 1.2) / 2.4 * c.width + 14,
                                                         (1.2 - y) / 2.4 * c.height + 14,
                                                         1, 1).data);
        return [at(-1, -1), at(1, 1), at(-1, 1), at(1, -1)];""")
    orange, blue = [(r, b) for r, g, b, a in colours[:2]], [(r, b) for r, g, b, a in colours[2:]]
    assert all(r > b for r, b in orange) and all(b > r for r, b in blue), colours
    # a neuron opened: its weights, full precision
    d.find_element("css selector", '#train-diagram .neuron[data-neuron="h1"]').click()
    wait_ready(d)
    w1 = d.find_element("css selector", '#neuron [data-quantity="w1"]').get_attribute("data-value")
    assert math.isfinite(float(w1))
    screenshot(d, shots, "6-train-xor")
    assert severe_console_messages(d) == []


# -- settings, and the page opened from the disk ------------------------------------------------

def test_large_type_chinese_and_phone_width(driver, shots):
    d = driver
    open_link(d, "#")
    click(d, "phase")
    small = d.execute_script("return document.querySelector('h1').getBoundingClientRect().height")
    click(d, "large")
    large = d.execute_script("return document.querySelector('h1').getBoundingClientRect().height")
    assert large > small
    screenshot(d, shots, "7-large-type")
    click(d, "large")
    from selenium.webdriver.support.ui import Select
    Select(d.find_element("css selector", '[data-setting="lang"]')).select_by_value("zh")
    wait_ready(d)
    assert d.find_element("css selector", '[data-action="next"]').text == "下一步"
    legends = [e.text for e in d.find_elements("css selector", "#parameters legend")]
    assert "输入" in legends and "inputs" not in legends, legends   # the panel follows too
    rate = d.find_element("css selector", '#parameters [data-parameter="learning_rate"]')
    assert "学习率" in rate.find_element("xpath", "..").text
    sides = d.find_element("css selector", "#diagram svg").text
    assert "目标 0.01" in sides and "target" not in sides, sides    # the diagram follows too
    screenshot(d, shots, "8-chinese")
    d.set_window_size(390, 844)
    try:
        time.sleep(0.3)
        width = d.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, f"the page is {width} px wide at a phone's 390 px"
        screenshot(d, shots, "9-phone")
    finally:
        d.set_window_size(1400, 1000)
    Select(d.find_element("css selector", '[data-setting="lang"]')).select_by_value("en")
    wait_ready(d)


def test_opened_from_the_disk_the_page_says_what_to_do(driver, site, shots):
    d = driver
    folder, _ = site
    d.get((folder / "index.html").as_uri())
    wait_ready(d, 30)
    notice = d.find_element("css selector", "#fallback")
    assert notice.is_displayed() and "neurosim page --serve" in notice.text
    d.switch_to.frame(d.find_element("css selector", "#fallback iframe"))
    try:
        assert "0.593269992" in d.page_source and "<math" in d.page_source
    finally:
        d.switch_to.default_content()
    screenshot(d, shots, "10-file-fallback")
    assert severe_console_messages(d) == []
    d.get(site[1])
    wait_ready(d)


def test_importing_a_saved_network(driver, tmp_path):
    from neurosim.worked_examples import seed002
    d = driver
    open_link(d, "#")
    saved = tmp_path / "seed002.json"
    seed002().save(str(saved))
    d.find_element("css selector", '[data-action="import"]').send_keys(str(saved))
    wait_ready(d)
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(d, 30).until(lambda d: d.find_elements(
        "css selector", 'input[data-parameter="w14"]'))
    assert d.find_element("css selector", 'input[data-parameter="w14"]').get_attribute(
        "value") == "3.0"                                   # seed 002: W3 = [[1, 3]]
    click(d, "finish")
    shown = values(d)
    expected = quantities.of_step(seed002(), [0.05, 0.1], [0.0])   # Mazur's inputs kept
    assert all(math.isclose(float(shown[k]), expected[k], rel_tol=1e-13) for k in shown)
    # export: the file the browser would save is the saved format, the imported network
    exported = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () {
          HTMLAnchorElement.prototype.click = click;
          fetch(this.href).then((r) => r.text()).then((text) => done([this.download, text]));
        };
        document.querySelector('[data-action="export"]').click();""")
    from neurosim.serialize import loads, to_document
    assert exported[0] == "network.json"
    assert to_document(loads(exported[1])) == to_document(seed002())
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "neurosim-network"}')
    d.find_element("css selector", '[data-action="import"]').send_keys(str(broken))
    WebDriverWait(d, 30).until(lambda d: "broken.json" in d.find_element("id", "notice").text)
    assert d.find_element("css selector", 'input[data-parameter="w14"]').get_attribute(
        "value") == "3.0"                                   # the page kept its network
    assert severe_console_messages(d) == []
