"""The benchmark harness of issue 3: neurosim against the pure-Python limit.

Run from the repository root::

    python -m benchmarks                    # full run (about a minute)
    python -m benchmarks --quick            # CI smoke: seconds
    python -m benchmarks --json out.json    # also write every number as JSON
    python benchmarks/run.py --only W1,W3   # a subset (W1 W2 W3 sweep)

For every workload (see ``benchmarks/workloads.py``) the implementations are

* ``flat``: the flat pure-Python reference (``benchmarks/flat.py``), the yardstick: neurosim's
  arithmetic to the bit, with no objects;
* ``flat-fused``: the flat step with less arithmetic (``eta * delta`` once per row, a
  one-branch sigmoid), to show what those operations cost; it rounds differently;
* ``flat+partials``: the same flat step keeping every partial neurosim keeps, in new lists each
  step (``flat.make_step_with_partials``): what the hand calculation's partials cost with no
  objects, so the rest of neurosim's ratio is the cost of the neuron objects;
* ``seedstyle``: Mazur's object structure (``benchmarks/seedstyle.py``);
* ``neurosim``: ``NeuralNetwork.from_weights(...)`` then ``net.train(x, t)`` per step;
* ``neurosim+record``: the same with ``net.train(x, t, record=True)`` (full event recording).

What a run does, per workload:

1. agreement: every implementation trains from the same start for the workload's steps (the
   ``--quick`` prefix with ``--quick``); final weights and biases must agree with neurosim's
   (with the flat reference's when neurosim is missing) to 1e-9, else the run fails (exit 1);
2. timing: ``--rounds`` rounds; in each round every implementation builds a fresh net (not
   timed) and runs all the steps under ``time.perf_counter``; the order of the implementations
   rotates from round to round. Reported per step: median and min..max over rounds, and the
   median over rounds of the ratio to ``flat`` timed in the same round. The garbage collector
   stays on (it is part of the cost a user pays; ``--no-gc`` switches it off while timing);
   ``gc.collect()`` runs before each timed run;
3. memory: ``tracemalloc`` peak of one step above the memory in use before it (the largest over
   the traced steps), and the growth of memory in use over the traced steps (after
   ``gc.collect()``), which must be about zero (at most 4 KiB) without recording. Not measured
   for the sweep with ``--quick``.

Missing pieces of neurosim (no ``NeuralNetwork.from_weights``, no ``record`` keyword) are
reported as ``n/a`` with the reason, never as a failure. The targets of the issue are
evaluated and printed, but do not change the exit status: only disagreement does.
"""

import argparse
import copy
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc

if __package__ in (None, ""):     # run as a script: python benchmarks/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import flat, seedstyle, workloads   # noqa: E402

__all__ = ["main", "run", "Implementation", "implementations", "TOLERANCE"]

TOLERANCE = 1e-9
PARTIALS = ("inputs", "net", "out", "dE_dout", "dout_dnet", "delta", "dnet_dw", "dE_dw", "dE_db")
TARGET_VS_FLAT = 1.3
TARGET_RECORD_VS_PLAIN = 4.0
TARGET_SWEEP_SLOPE = 1.10         # log-log slope of time per step against connections
GROWTH_ALLOWANCE = 4096           # bytes over all traced steps (allocator noise)


# --------------------------------------------------------------------------- implementations

def _loop_plain(train, seq):
    t0 = time.perf_counter()
    for x, t in seq:
        train(x, t)
    return time.perf_counter() - t0


def _loop_record(train, seq):
    t0 = time.perf_counter()
    for x, t in seq:
        train(x, t, record=True)
    return time.perf_counter() - t0


class Implementation:
    """One row of the tables: ``build(workload) -> (train, final)``; ``loop(train, seq)``.

    ``final()`` returns ``(weights[l][j][i], biases[l][j])`` as lists of floats.
    ``available`` is false (and ``reason`` says why) when the implementation cannot run here.
    """

    def __init__(self, name, build, loop=_loop_plain, available=True, reason=""):
        self.name, self.build, self.loop = name, build, loop
        self.available, self.reason = available, reason

    def __repr__(self):
        return f"Implementation({self.name!r}, available={self.available})"


def _build_flat(wl):
    step, W, B = flat.make_step(wl.weights, wl.biases, **wl.options())
    return step, lambda: (W, B)


def _build_flat_fused(wl):
    step, W, B = flat.make_fused_step(wl.weights, wl.biases, **wl.options())
    return step, lambda: (W, B)


def _build_flat_partials(wl):
    step, W, B, _ = flat.make_step_with_partials(wl.weights, wl.biases, **wl.options())
    return step, lambda: (W, B)


def _build_seedstyle(wl):
    net = seedstyle.NeuralNetwork.from_weights(copy.deepcopy(wl.weights),
                                               copy.deepcopy(wl.biases), **wl.options())
    return net.train, net.final_weights


def _neurosim_final(net):
    layers = net.layers
    return ([[[float(w) for w in n.weights] for n in layer.neurons] for layer in layers],
            [[float(n.bias) for n in layer.neurons] for layer in layers])


def _build_neurosim(wl):
    import neurosim
    net = neurosim.NeuralNetwork.from_weights(copy.deepcopy(wl.weights),
                                              copy.deepcopy(wl.biases), **wl.options())
    return net.train, lambda: _neurosim_final(net)


def _short(exc):
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 120 else text[:117] + "..."


def _probe_neurosim():
    """``(plain_reason, record_reason, partials)``: reasons are "" when the feature works."""
    try:
        import neurosim
        neurosim.NeuralNetwork.from_weights
    except (ImportError, AttributeError) as exc:
        reason = f"neurosim.NeuralNetwork.from_weights unavailable ({_short(exc)})"
        return reason, reason, None
    wl = workloads.W1()
    x, t = wl.samples[0]
    try:
        train, _ = _build_neurosim(wl)
        train(x, t)
    except NotImplementedError as exc:
        reason = f"neurosim not implemented yet ({_short(exc)})"
        return reason, reason, None
    except Exception:   # a real error: let the agreement run report it
        return "", "neurosim failed before recording could be probed", None
    net = getattr(train, "__self__", None)
    partials = {} if net is not None else None
    for layer in getattr(net, "layers", ()):
        for neuron in layer.neurons:
            missing = [a for a in PARTIALS if getattr(neuron, a, None) is None]
            partials[getattr(neuron, "name", "?")] = missing
    try:
        train(x, t, record=True)
        record_reason = ""
    except (TypeError, NotImplementedError) as exc:
        record_reason = f"train(x, t, record=True) not supported ({_short(exc)})"
    return "", record_reason, partials


def implementations():
    """The six implementations, with neurosim's availability probed on this machine."""
    plain_reason, record_reason, partials = _probe_neurosim()
    impls = [
        Implementation("flat", _build_flat),
        Implementation("flat-fused", _build_flat_fused),
        Implementation("flat+partials", _build_flat_partials),
        Implementation("seedstyle", _build_seedstyle),
        Implementation("neurosim", _build_neurosim, _loop_plain, not plain_reason, plain_reason),
        Implementation("neurosim+record", _build_neurosim, _loop_record,
                       not record_reason, record_reason),
    ]
    return impls, partials


# --------------------------------------------------------------------------- measurements

def max_abs_diff(a, b):
    """Largest |difference| over weights and biases; ``inf`` if the shapes differ or NaN."""
    (wa, ba), (wb, bb) = a, b
    worst = 0.0
    try:
        if len(wa) != len(wb) or len(ba) != len(bb):
            return math.inf
        for la, lb in zip(wa, wb):
            if len(la) != len(lb):
                return math.inf
            for ra, rb in zip(la, lb):
                if len(ra) != len(rb):
                    return math.inf
                for u, v in zip(ra, rb):
                    d = abs(u - v)
                    if not d <= worst:
                        worst = d if d == d else math.inf
        for la, lb in zip(ba, bb):
            if len(la) != len(lb):
                return math.inf
            for u, v in zip(la, lb):
                d = abs(u - v)
                if not d <= worst:
                    worst = d if d == d else math.inf
    except TypeError:
        return math.inf
    return worst


def check_agreement(wl, impls, steps):
    """Train every implementation for ``steps``; compare final weights with the reference."""
    seq = wl.sequence(steps)
    finals, errors = {}, {}
    for impl in impls:
        if not impl.available:
            continue
        try:
            train, final = impl.build(wl)
            impl.loop(train, seq)
            finals[impl.name] = final()
        except Exception as exc:            # reported, and the run fails
            errors[impl.name] = _short(exc)
    reference = "neurosim" if "neurosim" in finals else "flat"
    out = {"steps": steps, "reference": reference, "tolerance": TOLERANCE, "rows": {}}
    ok = True
    for impl in impls:
        if not impl.available:
            out["rows"][impl.name] = {"status": "n/a", "reason": impl.reason}
        elif impl.name in errors:
            out["rows"][impl.name] = {"status": "error", "reason": errors[impl.name]}
            ok = False
        elif reference not in finals:
            out["rows"][impl.name] = {"status": "error", "reason": "no reference result"}
            ok = False
        else:
            d = max_abs_diff(finals[impl.name], finals[reference])
            good = d <= TOLERANCE
            ok = ok and good
            row = {"status": "ok" if good else "FAIL", "max_abs_diff": d}
            if math.isinf(d):   # JSON has no infinity
                row.update(max_abs_diff=None, reason="shapes differ or a value is NaN")
            out["rows"][impl.name] = row
    out["ok"] = ok
    return out


def time_rounds(wl, impls, steps, rounds, collect_garbage=True):
    """Interleaved timing; per implementation the seconds per step of each round.

    ``collect_garbage=False`` switches the cyclic garbage collector off while a run is timed
    (as ``timeit`` does), to tell its share of the cost from the engine's.
    """
    seq = wl.sequence(steps)
    live = [impl for impl in impls if impl.available]
    per_step = {impl.name: [] for impl in live}
    for r in range(rounds):
        k = r % len(live)
        for impl in live[k:] + live[:k]:
            train, _ = impl.build(wl)
            gc.collect()
            if not collect_garbage:
                gc.disable()
            try:
                per_step[impl.name].append(impl.loop(train, seq) / steps)
            finally:
                gc.enable()
    return per_step


def summarize(per_step, base="flat"):
    out = {}
    for name, ts in per_step.items():
        row = {"median_s": statistics.median(ts), "min_s": min(ts), "max_s": max(ts),
               "rounds_s": ts}
        if base in per_step:
            row["ratio_vs_flat"] = statistics.median(
                t / b for t, b in zip(ts, per_step[base]))
        out[name] = row
    if "neurosim" in per_step and "flat+partials" in per_step:
        out["neurosim"]["ratio_vs_flat_partials"] = statistics.median(
            t / b for t, b in zip(per_step["neurosim"], per_step["flat+partials"]))
    if "neurosim" in per_step and "neurosim+record" in per_step:
        out["neurosim+record"]["ratio_vs_neurosim"] = statistics.median(
            t / b for t, b in zip(per_step["neurosim+record"], per_step["neurosim"]))
    return out


def measure_memory(wl, impl, steps):
    """tracemalloc: peak bytes of one step above the bytes in use before it; growth over steps.

    Tracing starts before the net is built, right after a full collection (which also empties
    CPython's float free list), so every object a step creates or replaces is traced: an
    implementation that keeps nothing from step to step shows a growth of a few bytes.
    """
    steps = max(2, steps)
    seq = wl.sequence(steps + 2)
    gc.collect()
    tracemalloc.start()
    try:
        train, _ = impl.build(wl)
        impl.loop(train, seq[:2])      # warm up: the first steps create lasting per-neuron state
        gc.collect()
        first = tracemalloc.get_traced_memory()[0]
        peak = 0
        for k in range(steps):
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            impl.loop(train, seq[2 + k:3 + k])
            peak = max(peak, tracemalloc.get_traced_memory()[1] - before)
        gc.collect()
        last = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    growth = last - first
    return {"traced_steps": steps, "peak_bytes_per_step": peak, "growth_bytes": growth,
            "growth_bytes_per_step": growth / steps,
            "no_growth": growth <= GROWTH_ALLOWANCE}


def loglog_slope(points):
    """Slope of log(time) against log(connections) between the first and last point."""
    (n0, t0), (n1, t1) = points[0], points[-1]
    return math.log(t1 / t0) / math.log(n1 / n0)


def linear_fit(points):
    """Fit ``t = a + b n`` minimising relative residuals (weights 1/t^2: small nets count too).

    Returns ``a`` (seconds per step), ``b`` (seconds per connection) and the largest relative
    residual ``|a + b n - t| / t``: small when the time per step is linear in ``n``.
    """
    w = [1.0 / (t * t) for _, t in points]
    sw = sum(w)
    mx = sum(wi * n for wi, (n, _) in zip(w, points)) / sw
    my = sum(wi * t for wi, (_, t) in zip(w, points)) / sw
    sxx = sum(wi * (n - mx) ** 2 for wi, (n, _) in zip(w, points))
    b = sum(wi * (n - mx) * (t - my) for wi, (n, t) in zip(w, points)) / sxx
    a = my - b * mx
    worst = max(abs(a + b * n - t) / t for n, t in points)
    return {"intercept_s": a, "slope_s_per_connection": b, "max_rel_residual": worst}


# --------------------------------------------------------------------------- the run

def run(*, quick=False, rounds=None, only=None, collect_garbage=True, log=print):
    """Run the benchmark; return the report (a JSON-able dict). ``log`` prints progress."""
    rounds = rounds or (2 if quick else 5)
    wanted = {w.strip().lower() for w in (only or "W1,W2,W3,sweep").split(",") if w.strip()}
    impls, partials = implementations()
    report = {
        "cpus": os.cpu_count(), "load_average_start": _loadavg(), "load_average_end": None,
        "python": sys.version.split()[0], "implementation": platform.python_implementation(),
        "platform": platform.platform(), "machine": platform.machine(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"), "quick": quick, "rounds": rounds,
        "tolerance": TOLERANCE, "gc_during_timing": collect_garbage,
        "implementations": {i.name: ("available" if i.available else i.reason) for i in impls},
        "neurosim_partials_missing": partials,
        "workloads": [], "sweep": None, "targets": [], "ok": True,
    }
    try:
        import neurosim
        report["neurosim_version"] = getattr(neurosim, "__version__", None)
    except ImportError:
        report["neurosim_version"] = None

    def do_workload(wl, memory_steps):
        steps = wl.quick_steps if quick else wl.steps
        log(f"  {wl.name}: agreement over {steps} steps ...")
        agreement = check_agreement(wl, impls, steps)
        entry = {"name": wl.name, "title": wl.title, "description": wl.describe(),
                 "sizes": list(wl.sizes), "connections": wl.connections,
                 "parameters": wl.parameters, "steps": steps,
                 "options": wl.options(), "agreement": agreement}
        if not agreement["ok"]:
            report["ok"] = False
            log(f"  {wl.name}: agreement FAILED, not timed")
            entry["timing"], entry["memory"] = {}, {}
            return entry
        log(f"  {wl.name}: timing, {rounds} rounds ...")
        entry["timing"] = summarize(time_rounds(wl, impls, steps, rounds, collect_garbage))
        entry["memory"] = {} if memory_steps is None else {
            impl.name: measure_memory(wl, impl, memory_steps) for impl in impls if impl.available}
        return entry

    for wl in workloads.main_workloads():
        if wl.name.lower() in wanted:
            mem = {"W1": 200, "W2": 200, "W3": 20}[wl.name]
            report["workloads"].append(do_workload(wl, mem // 10 if quick else mem))
    if "sweep" in wanted:
        points = []
        for width in workloads.SWEEP_WIDTHS:
            wl = workloads.sweep(width)
            points.append(do_workload(wl, None if quick else 10))
        report["sweep"] = {"widths": list(workloads.SWEEP_WIDTHS), "points": points,
                           "fits": _sweep_fits(points, impls)}
    report["targets"] = evaluate_targets(report, impls, partials)
    report["load_average_end"] = _loadavg()
    return report


def _loadavg():
    """1-minute load average (None where the OS has none): other processes disturb timings."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _sweep_fits(points, impls):
    fits = {}
    for impl in impls:
        pts = [(p["connections"], p["timing"][impl.name]["median_s"])
               for p in points if impl.name in p.get("timing", {})]
        if len(pts) < 3:
            continue
        fit = linear_fit(pts)
        fit["loglog_slope_upper"] = loglog_slope([pt for pt in pts if pt[0] >= 2048])
        fit["loglog_slope_all"] = loglog_slope(pts)
        fit["s_per_connection"] = {str(n): t / n for n, t in pts}
        fits[impl.name] = fit
    return fits


def evaluate_targets(report, impls, partials):
    """The issue's targets, each ``{"target", "value", "status"}`` (PASS, MISS or n/a)."""
    avail = {i.name: i for i in impls}
    out = []

    def add(target, value, status, detail=""):
        out.append({"target": target, "value": value, "status": status, "detail": detail})

    for entry in report["workloads"]:
        timing = entry.get("timing", {})
        name = entry["name"]
        row = timing.get("neurosim")
        fused = timing.get("flat-fused")
        t = f"{name}: neurosim <= {TARGET_VS_FLAT}x flat-fused"
        if row is None or fused is None:
            add(t, None, "n/a", avail["neurosim"].reason or "not timed")
        else:
            # the yardstick: the fused flat step (lists of lists, the backward pass
            # fused in place), against which the old engine measured 2.0x, 2.1x and 1.65x
            v = row["median_s"] / fused["median_s"]
            add(t, v, "PASS" if v <= TARGET_VS_FLAT else "MISS")
        rec = timing.get("neurosim+record")
        t = f"{name}: neurosim+record <= {TARGET_RECORD_VS_PLAIN}x neurosim"
        if rec is None or "ratio_vs_neurosim" not in rec:
            add(t, None, "n/a", avail["neurosim+record"].reason or "not timed")
        else:
            v = rec["ratio_vs_neurosim"]
            add(t, v, "PASS" if v <= TARGET_RECORD_VS_PLAIN else "MISS")
        for impl_name in ("flat", "seedstyle", "neurosim"):
            mem = entry.get("memory", {}).get(impl_name)
            if mem is not None:
                add(f"{name}: {impl_name} memory does not grow over steps",
                    mem["growth_bytes"], "PASS" if mem["no_growth"] else "MISS",
                    f"{mem['traced_steps']} steps traced")
    t = "neurosim keeps every per-neuron partial on its neurons"
    if partials is None:
        add(t, None, "n/a", avail["neurosim"].reason)
    else:
        missing = {k: v for k, v in partials.items() if v}
        add(t, missing or "all present", "MISS" if missing else "PASS",
            "attributes checked: " + ", ".join(PARTIALS))
    sweep = report.get("sweep")
    if sweep:
        for impl in impls:
            fit = sweep["fits"].get(impl.name)
            t = f"sweep: {impl.name} time per step linear in connections"
            if fit is None:
                add(t, None, "n/a", impl.reason or "not timed")
            else:
                v = fit["loglog_slope_upper"]
                add(t, v, "PASS" if v <= TARGET_SWEEP_SLOPE else "MISS",
                    f"log-log slope from 2048 to 32768 connections (limit {TARGET_SWEEP_SLOPE})")
    if report["quick"]:
        for row in out:
            row["detail"] = (row["detail"] + "; " if row["detail"] else "") + "quick run: indicative"
    return out


# --------------------------------------------------------------------------- printing

def _fmt_time(s):
    if s is None:
        return "n/a"
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.3f} ms"
    return f"{s:.3f} s"


def _fmt_bytes(n):
    if abs(n) < 1024:
        return f"{n:.0f} B"
    return f"{n / 1024:.1f} KiB"


def format_report(report):
    """The report as text: one table per workload, the sweep, the targets."""
    lines = [f"neurosim benchmarks: Python {report['python']} ({report['implementation']}) on "
             f"{report['platform']}; {report['rounds']} rounds"
             + ("" if report["gc_during_timing"] else "; garbage collector off while timed")
             + ("; QUICK (smoke only, numbers indicative)" if report["quick"] else "")]
    loads = [v for v in (report["load_average_start"], report["load_average_end"]) if v is not None]
    if loads and report["cpus"] and max(loads) > report["cpus"]:
        lines.append(f"  WARNING: load average up to {max(loads):.2f} on {report['cpus']} CPUs: "
                     "other processes competed for the CPU, timings are noisy")
    for name, state in report["implementations"].items():
        if state != "available":
            lines.append(f"  {name}: n/a: {state}")
    for entry in report["workloads"]:
        lines.extend(_format_entry(entry))
    sweep = report.get("sweep")
    if sweep:
        lines.append("")
        lines.append("Sweep W-W-W: median time per step (ns per connection)")
        names = [n for n in report["implementations"]
                 if any(n in p.get("timing", {}) for p in sweep["points"])]
        lines.append(f"  {'W':>4} {'conn':>6} {'steps':>6}  " +
                     "  ".join(f"{n:>24}" for n in names))
        for p in sweep["points"]:
            cells = []
            for n in names:
                row = p.get("timing", {}).get(n)
                cells.append("n/a" if row is None else
                             f"{_fmt_time(row['median_s'])} ({row['median_s'] / p['connections'] * 1e9:.0f})")
            agree = "" if p["agreement"]["ok"] else "  AGREEMENT FAILED"
            lines.append(f"  {p['sizes'][0]:>4} {p['connections']:>6} {p['steps']:>6}  " +
                         "  ".join(f"{c:>24}" for c in cells) + agree)
        for n, fit in sweep["fits"].items():
            lines.append(f"  {n}: t = {_fmt_time(fit['intercept_s'])} + "
                         f"{fit['slope_s_per_connection'] * 1e9:.1f} ns x connections "
                         f"(max residual {fit['max_rel_residual']:.0%}); log-log slope "
                         f"{fit['loglog_slope_upper']:.2f} (2048..32768), "
                         f"{fit['loglog_slope_all']:.2f} (all)")
    lines.append("")
    lines.append("Targets (reported, not enforced)")
    for row in report["targets"]:
        v = row["value"]
        v = f"{v:.2f}" if isinstance(v, float) else ("" if v is None else str(v))
        detail = f"  [{row['detail']}]" if row["detail"] else ""
        lines.append(f"  {row['status']:>4}  {row['target']}: {v}{detail}")
    lines.append("")
    lines.append("agreement: " + ("ok" if report["ok"] else "FAILED (exit status 1)"))
    return "\n".join(lines)


def _format_entry(entry):
    lines = ["", f"{entry['name']}  {entry['description']}; {entry['steps']} steps"]
    ag = entry["agreement"]
    lines.append(f"  {'implementation':<16} {'agreement':>22} {'median/step':>12} "
                 f"{'min..max':>22} {'x flat':>7} {'peak/step':>10} {'growth':>8}")
    for name, a in ag["rows"].items():
        if a["status"] in ("n/a", "error"):
            lines.append(f"  {name:<16} {a['status']}: {a['reason']}")
            continue
        if name == ag["reference"]:
            agree = "reference"
        elif a["max_abs_diff"] is None:
            agree = f"{a['status']} ({a['reason']})"
        else:
            agree = f"{a['status']} {a['max_abs_diff']:.1e}"
        t = entry["timing"].get(name)
        m = entry["memory"].get(name)
        if t is None:
            lines.append(f"  {name:<16} {agree:>22}")
            continue
        rng = f"{_fmt_time(t['min_s'])}..{_fmt_time(t['max_s'])}"
        ratio = f"{t['ratio_vs_flat']:.2f}" if "ratio_vs_flat" in t else ""
        peak = _fmt_bytes(m["peak_bytes_per_step"]) if m else ""
        growth = _fmt_bytes(m["growth_bytes"]) if m else ""
        lines.append(f"  {name:<16} {agree:>22} {_fmt_time(t['median_s']):>12} {rng:>22} "
                     f"{ratio:>7} {peak:>10} {growth:>8}")
    plain = entry["timing"].get("neurosim")
    if plain and "ratio_vs_flat_partials" in plain:
        lines.append(f"  neurosim costs {plain['ratio_vs_flat_partials']:.2f}x flat+partials "
                     "(the flat step that keeps every partial too)")
    rec = entry["timing"].get("neurosim+record")
    if rec and "ratio_vs_neurosim" in rec:
        lines.append(f"  recording costs {rec['ratio_vs_neurosim']:.2f}x neurosim without")
    return lines


# --------------------------------------------------------------------------- command line

def _parser():
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time neurosim against a flat pure-Python reference and Mazur-style code.")
    p.add_argument("--quick", action="store_true",
                   help="CI smoke: short prefixes of every workload, 2 rounds (seconds)")
    p.add_argument("--json", metavar="PATH", help="also write the full report as JSON")
    p.add_argument("--rounds", type=int, metavar="N",
                   help="timing rounds per workload (default 5, 2 with --quick)")
    p.add_argument("--no-gc", action="store_true",
                   help="switch the garbage collector off while timing (as timeit does)")
    p.add_argument("--only", metavar="LIST",
                   help="comma-separated subset of W1,W2,W3,sweep (default: all)")
    return p


def main(argv=None):
    """Command line entry point; returns the exit status (1 when implementations disagree)."""
    args = _parser().parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        _parser().error(f"--rounds must be at least 1, got {args.rounds}")

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    report = run(quick=args.quick, rounds=args.rounds, only=args.only,
                 collect_garbage=not args.no_gc, log=log)
    print(format_report(report))
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1, default=_json_default, allow_nan=False)
            fh.write("\n")
        os.replace(tmp, args.json)
    return 0 if report["ok"] else 1


def _json_default(obj):
    return repr(obj)


if __name__ == "__main__":
    sys.exit(main())
