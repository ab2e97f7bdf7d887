// The classroom page: neurosim itself runs in Pyodide; this script only draws and forwards
// clicks. It computes no number of the calculation: every value shown comes from
// neurosim.page.bridge (Python), as JSON, with its full-precision repr for data-value.
//
// Test hooks (stable): body[data-state] "busy" | "ready"; buttons [data-action=...];
// [data-quantity=NAME][data-value=repr] once computed; input[data-parameter=NAME].

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

// What the page shows, all of it in the URL (#s=...), so a link reproduces it exactly.
let page = {
  state: config.state, cursor: 0, hidden: [], large: false, view: "step", teacher: false,
  train: {dataset: "xor", hidden: "4", activation: "tanh", learning_rate: "0.5", noise: "0",
          points: "200", seed: "1"},
};
let bridge = null;          // the Python module, once Pyodide has loaded it
let step = null;            // the bridge's answer for the current state
let answers = {};           // exercise: name -> {text, status, explanation}
let training = null;        // the bridge's answer for the training view
let playing = false;

function words() { return config.texts[page.state.lang] || config.texts.en; }
function say(key, ...args) {
  return (words()[key] || key).replace(/\{(\d)\}/g, (_, k) => String(args[Number(k)]));
}
function busy() { document.body.dataset.state = "busy"; }
function ready() { document.body.dataset.state = "ready"; }
function notice(text, isError = false) {
  const el = $("#notice");
  el.textContent = text || "";
  el.classList.toggle("error", isError);
}

// One call into Python: JSON text in and out; an error is {"error": "..."}.
function call(name, ...args) {
  return JSON.parse(bridge[name](...args));
}

// An unexpected failure (a bug) is said on the page, and the page stays usable.
function failed(error) {
  console.warn(error);
  notice(say("engine_error", (error && error.message) || error), true);
  ready();
}
window.addEventListener("error", (event) => failed(event.error || event.message));
window.addEventListener("unhandledrejection", (event) => failed(event.reason));

// -- the URL --------------------------------------------------------------------------------

function encode(object) {
  const bytes = new TextEncoder().encode(JSON.stringify(object));
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function decode(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}
let written = "";           // the hash this page wrote last (a different one is a new link)
const opening = JSON.stringify(page);
function saveToURL() {
  written = "#s=" + encode(page);
  if (location.hash !== written) history.replaceState(null, "", written);
}
function readURL() {
  const match = location.hash.match(/^#s=([A-Za-z0-9_-]+)$/);
  if (!match) return null;
  try {
    return Object.assign(JSON.parse(opening), decode(match[1]));
  } catch (error) {
    notice(say("bad_link", error.message), true);
    return null;
  }
}

// A link pasted into this tab changes only the hash: open its state without reloading Pyodide
// (an empty hash, "#", is the page as written).
function followLink() {
  if (location.hash === written || bridge === null) return;
  busy();
  playing = false;
  page = readURL() || JSON.parse(opening);
  answers = {};
  training = null;
  notice("");
  applySettings();
  if (!recompute()) {
    page.state = JSON.parse(opening).state;
    recompute();
  }
  show();
  showView(page.view);
  ready();
}

function applySettings() {
  document.body.classList.toggle("large", Boolean(page.large));
  $("[data-action=large]").setAttribute("aria-pressed", String(Boolean(page.large)));
  $("[data-setting=teacher]").checked = Boolean(page.teacher);
  for (const el of $$("[data-train]")) el.value = page.train[el.dataset.train];
  applyWords();
}

// -- words ------------------------------------------------------------------------------------

function applyWords() {
  document.documentElement.lang = page.state.lang;
  for (const el of $$("[data-text]")) el.textContent = say(el.dataset.text);
  $("[data-setting=lang]").value = page.state.lang;
  $("[data-action=play]").textContent = say(playing ? "pause" : "play");
}

// -- the step view ------------------------------------------------------------------------------

function recompute() {
  const answer = call("step", JSON.stringify(page.state));
  if (answer.error) {
    notice(answer.error, true);
    return false;
  }
  step = answer;
  page.cursor = Math.min(page.cursor, step.messages.length);
  $("#diagram").innerHTML = step.svg;
  labelsNote($("#diagram"));
  for (const g of $$("#diagram .neuron")) g.addEventListener("click", () => {
    const at = step.messages.findIndex((m, k) => k >= page.cursor && m.neuron === g.dataset.neuron);
    if (at >= 0) act(() => { page.cursor = at + 1; });
  });
  drawParameters();
  drawValues();
  return true;
}

// A large network's diagram keeps its weights in tooltips: say so under it.
function labelsNote(holder) {
  let note = holder.nextElementSibling;
  if (!note || !note.classList.contains("labels-note")) {
    note = document.createElement("p");
    note.className = "note labels-note";
    note.dataset.text = "labels_hidden";
    holder.after(note);
  }
  note.textContent = say("labels_hidden");
  note.hidden = !($$(".edge", holder).length && !$$(".edge text", holder).length);
}

function drawParameters() {
  const groups = {input: [], target: [], weight: [], bias: [], rule: []};
  for (const p of step.parameters) groups[p.kind].push(p);
  const box = $("#parameters");
  box.textContent = "";
  const legends = {input: "inputs", target: "targets", weight: "weights", bias: "biases",
                   rule: ""};
  for (const [kind, list] of Object.entries(groups)) {
    if (!list.length) continue;
    const set = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = legends[kind] && say(legends[kind]);
    set.append(legend);
    for (const p of list) {
      const label = document.createElement("label");
      label.className = "param";
      const name = document.createElement("code");
      name.textContent = p.name === "learning_rate" ? say("learning_rate") : p.name;
      const input = document.createElement("input");
      input.type = "text";
      input.inputMode = "decimal";
      input.value = p.value;
      input.dataset.parameter = p.name;
      input.dataset.quantity = p.name === "learning_rate" ? "eta" : p.name;
      input.dataset.value = p.value;
      input.addEventListener("change", () => edit(p.name, input));
      label.append(name, input);
      set.append(label);
    }
    box.append(set);
  }
}

function edit(name, input) {
  busy();
  const answer = call("edit", JSON.stringify(page.state), name, input.value);
  if (answer.error) {
    input.classList.add("bad");
    notice(answer.error, true);
    ready();
    return;
  }
  page.state = answer;
  answers = {};
  notice("");
  recompute();
  show();
  ready();
}

function drawValues() {
  const box = $("#values");
  box.textContent = "";
  box.className = "values";
  let phase = null;
  const seen = new Set();
  step.messages.forEach((m, k) => {
    if (seen.has(m.name)) return;
    seen.add(m.name);
    if (m.phase !== phase) {
      phase = m.phase;
      const h = document.createElement("h3");
      h.className = phase;
      h.textContent = say(phase);
      box.append(h);
    }
    const row = document.createElement("div");
    row.className = "q";
    row.dataset.row = m.name;
    row.dataset.index = k;
    const name = document.createElement("code");
    name.textContent = m.name;
    const value = document.createElement("span");
    value.dataset.quantity = m.name;
    row.append(name, value);
    box.append(row);
  });
}

function isHidden(name) { return !page.teacher && page.hidden.includes(name); }

// Fill in what the cursor has reached; blank the rest.
function show() {
  const messages = step.messages;
  const done = new Set(messages.slice(0, page.cursor).map((m) => m.name));
  const current = page.cursor ? messages[page.cursor - 1] : null;
  for (const row of $$("#values .q")) {
    const name = row.dataset.row;
    const m = messages[Number(row.dataset.index)];
    const span = $("[data-quantity]", row);
    row.classList.toggle("current", current !== null && current.name === name);
    for (const extra of $$("input, .verdict", row)) extra.remove();
    if (page.teacher) {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.hide = name;
      box.title = say("hide");
      box.setAttribute("aria-label", `${say("hide")} ${name}`);
      box.checked = page.hidden.includes(name);
      box.addEventListener("change", () => {
        page.hidden = box.checked ? page.hidden.concat([name])
          : page.hidden.filter((n) => n !== name);
        saveToURL();
      });
      row.prepend(box);
    }
    if (done.has(name) && isHidden(name) && (answers[name] || {}).status !== "right") {
      span.removeAttribute("data-value");
      span.textContent = "";
      const input = document.createElement("input");
      input.type = "text";
      input.inputMode = "decimal";
      input.dataset.answer = name;
      input.placeholder = say("answer");
      input.setAttribute("aria-label", `${say("answer")}: ${name}`);
      input.value = (answers[name] || {}).text || "";
      input.addEventListener("change", () => { answers[name] = {text: input.value}; });
      span.after(input);
    } else if (done.has(name)) {
      span.dataset.value = m.value;
      span.textContent = m.shown;
    } else {
      span.removeAttribute("data-value");
      span.textContent = "";
    }
    const verdict = answers[name];
    if (verdict && verdict.status) {
      const line = document.createElement("span");
      line.className = "verdict " + verdict.status;
      line.dataset.mark = verdict.status === "wrong" ? "\u2717" : "\u2713";
      line.textContent = say(verdict.status) + (verdict.explanation ? ": " + verdict.explanation : "");
      row.append(line);
    }
  }
  $("[data-action=check]").hidden = !page.hidden.length || page.teacher;
  $("#teacher-note").hidden = !page.teacher;
  const box = $("#message");
  box.textContent = "";
  const meta = document.createElement("p");
  meta.className = "meta";
  if (current === null) {
    meta.textContent = say("start");
    box.append(meta);
  } else {
    meta.textContent = say("message", page.cursor, messages.length) + " \u00b7 ";
    const tag = document.createElement("span");
    tag.className = "tag " + current.phase;
    tag.textContent = say(current.phase);
    meta.append(tag);
    const formula = document.createElement("div");
    formula.className = "formula";
    formula.dataset.message = current.name;
    formula.innerHTML = isHidden(current.name) && (answers[current.name] || {}).status !== "right"
      ? current.question : current.mathml;
    box.append(meta, formula);
  }
  const lit = current && $(`#values [data-row="${CSS.escape(current.name)}"]`);
  const list = $("#values");     // keep the current row in sight inside the list, not the page
  if (lit && list.scrollHeight > list.clientHeight + 1) {
    const top = lit.offsetTop;
    if (top < list.scrollTop || top + lit.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = top - list.clientHeight / 2;
    }
  }
  for (const el of $$("#diagram .hl")) el.classList.remove("hl");
  if (current && current.edge) {
    const edge = $(`#diagram .edge[data-w="${current.edge}"]`);
    if (edge) edge.classList.add("hl");
  }
  if (current && current.neuron) {
    const neuron = $(`#diagram .neuron[data-neuron="${current.neuron}"]`);
    if (neuron) neuron.classList.add("hl");
  }
  saveToURL();
}

function act(change) {
  busy();
  try {
    change();
    show();
  } finally {
    ready();
  }
}

const moves = {
  next() { page.cursor = Math.min(step.messages.length, page.cursor + 1); },
  back() { page.cursor = Math.max(0, page.cursor - 1); },
  phase() {
    const messages = step.messages;
    if (page.cursor >= messages.length) return;
    const phase = messages[page.cursor].phase;
    while (page.cursor < messages.length && messages[page.cursor].phase === phase) page.cursor++;
  },
  finish() { page.cursor = step.messages.length; },
  reset() { page.cursor = 0; },
};

function runSteps() {
  busy();
  const answer = call("train", JSON.stringify(page.state), $("[data-setting=steps]").value);
  if (answer.error) {
    notice(answer.error, true);
  } else {
    page.state = answer.state;
    page.cursor = 0;
    answers = {};
    notice(say("ran", answer.steps, answer.shown));
    recompute();
    show();
  }
  ready();
}

function checkAnswers() {
  busy();
  for (const input of $$("input[data-answer]")) answers[input.dataset.answer] = {text: input.value};
  const typed = {};
  for (const [name, a] of Object.entries(answers)) if (a.text && a.text.trim()) typed[name] = a.text;
  const answer = call("check", JSON.stringify(page.state), JSON.stringify(typed));
  if (answer.error) {
    notice(answer.error, true);
  } else {
    notice("");
    for (const r of answer.results) {
      const status = r.status === "rounding" ? "rounding" : r.status;
      answers[r.name] = {text: typed[r.name], status, explanation: r.explanation};
    }
  }
  show();
  ready();
}

// -- export, import, share ----------------------------------------------------------------------

function exportNetwork() {
  const blob = new Blob([JSON.stringify(page.state.network, null, 1) + "\n"],
                        {type: "application/json"});
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "network.json";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function importNetwork(input) {
  const file = input.files[0];
  if (!file) return;
  busy();
  const text = await file.text();
  input.value = "";
  const answer = call("load_network", JSON.stringify(page.state), text);
  if (answer.error) {
    notice(`${file.name}: ${answer.error}`, true);
  } else {
    page.state = answer;
    page.cursor = 0;
    page.hidden = [];
    answers = {};
    notice("");
    recompute();
    show();
  }
  ready();
}

async function share() {
  saveToURL();
  notice(say("copied"));
  try {
    await navigator.clipboard.writeText(location.href);
  } catch (error) {
    // the address bar holds the link; copying is a convenience the browser may refuse
  }
}

// -- the training view --------------------------------------------------------------------------

function trainingConfig() {
  for (const el of $$("[data-train]")) page.train[el.dataset.train] = el.value;
  return page.train;
}

function startTraining() {
  const answer = call("training_start", JSON.stringify(trainingConfig()));
  if (answer.error) {
    notice(answer.error, true);
    training = null;
    return;
  }
  notice("");
  training = answer;
  $("#neuron").textContent = "";
  drawTraining();
}

// Colour of a value between lo (class 0, orange) and hi (class 1, blue), through white.
function colour(v, lo, hi) {
  const t = Math.max(0, Math.min(1, (v - lo) / ((hi - lo) || 1)));
  const from = t < 0.5 ? [230, 159, 0] : [0, 114, 178];
  const s = Math.abs(t - 0.5) * 2;
  return from.map((c) => Math.round(255 + (c - 255) * s));
}

function paint(canvas, grid, size, lo, hi, points) {
  const image = new ImageData(size, size);
  grid.forEach((v, k) => {
    const [r, g, b] = colour(v, lo, hi);
    image.data.set([r, g, b, 255], 4 * k);
  });
  const small = document.createElement("canvas");
  small.width = small.height = size;
  small.getContext("2d").putImageData(image, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  const r = points && points.length > 50 ? 4.5 : 9;
  for (const [x, y, label] of points || []) {
    const px = ((x + 1.2) / 2.4) * canvas.width, py = ((1.2 - y) / 2.4) * canvas.height;
    ctx.beginPath();                    // a white ring, then a dark one: seen on any colour
    ctx.arc(px, py, r + 1.5, 0, 2 * Math.PI);
    ctx.fillStyle = "#1d232b";
    ctx.fill();
    ctx.beginPath();
    ctx.arc(px, py, r + 0.5, 0, 2 * Math.PI);
    ctx.fillStyle = "#ffffff";
    ctx.fill();
    ctx.beginPath();
    ctx.arc(px, py, r - 1, 0, 2 * Math.PI);
    ctx.fillStyle = label > 0.5 ? "#0072B2" : "#E69F00";
    ctx.fill();
  }
}

function drawLoss(canvas, errors) {
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (!errors.length) return;
  const values = errors.map(Number);
  const top = Math.max(...values) || 1;
  ctx.strokeStyle = "#D55E00";
  ctx.lineWidth = 2;
  ctx.beginPath();
  values.forEach((v, k) => {
    const x = 4 + (k / Math.max(1, values.length - 1)) * (canvas.width - 8);
    const y = canvas.height - 4 - (v / top) * (canvas.height - 8);
    if (k) ctx.lineTo(x, y); else ctx.moveTo(x, y);
  });
  ctx.stroke();
}

function drawTraining() {
  const t = training;
  $("[data-quantity=epoch]").dataset.value = String(t.epoch);
  $("[data-quantity=epoch]").textContent = String(t.epoch);
  for (const [name, value, shown] of [["loss", t.loss, t.loss_shown],
                                      ["accuracy", t.accuracy, t.accuracy]]) {
    const el = $(`[data-quantity=${name}]`);
    if (value === null) { el.removeAttribute("data-value"); el.textContent = ""; continue; }
    el.dataset.value = value;
    el.textContent = shown;
  }
  paint($("#boundary"), t.grid, t.size, 0, 1, t.points);
  drawLoss($("#loss"), t.errors);
  const holder = $("#train-diagram");
  holder.innerHTML = t.svg;             // the weights as they are now
  labelsNote(holder);
  for (const g of $$(".neuron", holder)) {
    if (!g.classList.contains("input")) g.addEventListener("click", () => inspect(g.dataset.neuron));
  }
  const open = $("#neuron").dataset.neuron;
  if (open) inspect(open);
}

function inspect(name) {
  const answer = call("training_neuron", name);
  if (answer.error) { notice(answer.error, true); return; }
  for (const el of $$("#train-diagram .neuron.hl")) el.classList.remove("hl");
  const g = $(`#train-diagram .neuron[data-neuron="${name}"]`);
  if (g) g.classList.add("hl");
  const box = $("#neuron");
  box.dataset.neuron = name;
  box.textContent = "";
  const h = document.createElement("h3");
  h.textContent = name;
  const list = document.createElement("p");
  for (const [w, value, shown] of answer.weights.concat(answer.bias[0] ? [answer.bias] : [])) {
    const item = document.createElement("span");
    item.className = "param";
    item.innerHTML = "<code></code> = <span></span>";
    item.firstChild.textContent = w;
    item.lastChild.dataset.quantity = w;
    item.lastChild.dataset.value = value;
    item.lastChild.textContent = shown;
    list.append(item);
  }
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 200;
  const caption = document.createElement("p");
  caption.className = "note";
  caption.textContent = say("neuron_out", name);
  box.append(h, list, canvas, caption);
  paint(canvas, answer.grid, answer.size, answer.lo, answer.hi, null);
}

function trainTick() {
  if (!playing || page.view !== "train") { playing = false; applyWords(); return; }
  busy();
  const answer = call("training_run", 20);
  if (answer.error) {
    notice(answer.error, true);
    playing = false;
    applyWords();
  } else {
    training = answer;
    drawTraining();
  }
  ready();
  if (playing) setTimeout(trainTick, 15);
}

function showView(view) {
  page.view = view;
  $("#step-view").hidden = view !== "step";
  $("#train-view").hidden = view !== "train";
  for (const b of $$("[data-view]")) b.setAttribute("aria-pressed", String(b.dataset.view === view));
  if (view === "train" && training === null) startTraining();
  saveToURL();
}

// -- wiring -------------------------------------------------------------------------------------

function wire() {
  for (const [name, move] of Object.entries(moves)) {
    $(`[data-action=${name}]`).addEventListener("click", () => act(move));
  }
  $("[data-action=run]").addEventListener("click", runSteps);
  $("[data-action=check]").addEventListener("click", checkAnswers);
  $("[data-action=export]").addEventListener("click", exportNetwork);
  $("[data-action=import]").addEventListener("change", (e) => importNetwork(e.target));
  $("[data-action=share]").addEventListener("click", share);
  $("[data-action=large]").addEventListener("click", () => {
    page.large = !page.large;
    document.body.classList.toggle("large", page.large);
    $("[data-action=large]").setAttribute("aria-pressed", String(page.large));
    saveToURL();
  });
  $("[data-setting=lang]").addEventListener("change", (e) => act(() => {
    page.state.lang = e.target.value;
    applyWords();
    recompute();            // the diagram's words too (its targets' labels)
  }));
  $("[data-setting=teacher]").addEventListener("change", (e) => act(() => {
    page.teacher = e.target.checked;
  }));
  for (const b of $$("[data-view]")) b.addEventListener("click", () => {
    busy();
    showView(b.dataset.view);
    ready();
  });
  $("[data-action=play]").addEventListener("click", () => {
    playing = !playing;
    applyWords();
    if (playing) trainTick();
  });
  $("[data-action=epoch]").addEventListener("click", () => {
    busy();
    const answer = call("training_run", 1);
    if (answer.error) notice(answer.error, true); else { training = answer; drawTraining(); }
    ready();
  });
  const restartTraining = () => {
    playing = false;
    applyWords();
    busy();
    startTraining();
    saveToURL();
    ready();
  };
  $("[data-action=restart]").addEventListener("click", restartTraining);
  for (const el of $$("[data-train]")) el.addEventListener("change", restartTraining);
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey
        || event.altKey || page.view !== "step" || step === null) return;
    const move = {ArrowRight: "next", n: "next", ArrowLeft: "back", b: "back", p: "phase",
                  f: "finish", End: "finish", r: "reset", Home: "reset"}[event.key];
    if (move) {
      event.preventDefault();
      act(moves[move]);
    }
  });
}

async function boot() {
  busy();
  const linked = readURL();
  if (linked) page = linked;
  const datasets = $("[data-train=dataset]");
  for (const name of config.datasets) datasets.add(new Option(name, name));
  applySettings();
  notice(say("loading"));
  try {
    const base = new URL(config.pyodide, location.href).href;
    const {loadPyodide} = await import(base + "pyodide.mjs");
    const pyodide = await loadPyodide({indexURL: base});
    const response = await fetch(config.archive);
    if (!response.ok) throw new Error(`${config.archive}: HTTP ${response.status}`);
    pyodide.unpackArchive(await response.arrayBuffer(), "zip",
                          {extractDir: "/home/pyodide/neurosim-page"});
    pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/neurosim-page')");
    bridge = pyodide.pyimport("neurosim.page.bridge");
  } catch (error) {
    notice(say("engine_error", error.message || error), true);
    ready();
    return;
  }
  notice("");
  wire();
  window.addEventListener("hashchange", followLink);
  if (!recompute() && linked) {      // a link whose network does not load: the page's own
    page.state = config.state;
    recompute();
  }
  $("#step-view").hidden = false;
  show();
  showView(page.view);
  ready();
}

boot();
