// Run a Python script of a source tree under Pyodide (CPython compiled to WebAssembly) in node.
//
//   node run_pyodide.mjs PYODIDE_DIR TREE_ZIP WHEELS_DIR|- SCRIPT [ARG ...]
//
// PYODIDE_DIR holds the npm package `pyodide` (pyodide.mjs, pyodide.asm.wasm, the standard
// library): nothing is fetched from the network. TREE_ZIP is unpacked into Pyodide's in-memory
// file system at /home/pyodide/tree, which becomes the working folder and the first entry of
// sys.path, so `import neurosim` finds the tree's own package (never `micropip.install`: the
// name "neurosim" on PyPI is another project). Every .whl in WHEELS_DIR (pure-Python wheels,
// e.g. pytest) is unpacked into site-packages. SCRIPT (a path inside the tree) runs as
// __main__ with sys.argv = [SCRIPT, ARG, ...]; its output goes to this process's stdout and
// stderr, and its exit status (SystemExit, or 1 for an uncaught exception) becomes ours.
// A failure of Pyodide itself (e.g. a fatal stack overflow) exits with 3, saying so.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, treeZip, wheelsDir, script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write("usage: node run_pyodide.mjs PYODIDE_DIR TREE_ZIP WHEELS_DIR|- SCRIPT [ARG ...]\n");
  process.exit(2);
}
const TREE = "/home/pyodide/tree";

function bytes(file) {
  return new Uint8Array(fs.readFileSync(file));   // unpackArchive wants a Uint8Array, not a Buffer
}

try {
  const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + path.sep });
  const write = (stream) => ({ write: (buffer) => { stream.write(buffer); return buffer.length; } });
  pyodide.setStdout(write(process.stdout));
  pyodide.setStderr(write(process.stderr));

  pyodide.unpackArchive(bytes(treeZip), "zip", { extractDir: TREE });
  if (wheelsDir !== "-") {
    const site = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
    for (const name of fs.readdirSync(wheelsDir).filter((n) => n.endsWith(".whl")).sort()) {
      pyodide.unpackArchive(bytes(path.join(wheelsDir, name)), "wheel", { extractDir: site });
    }
  }

  pyodide.globals.set("ARGV_JSON", JSON.stringify([script, ...args]));
  pyodide.globals.set("TREE", TREE);
  const status = pyodide.runPython(`
import json, os, runpy, sys, traceback

def _run(argv):
    os.chdir(TREE)
    sys.path.insert(0, TREE)
    sys.argv = argv
    try:
        runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0

_run(json.loads(ARGV_JSON))
`);
  process.exitCode = status;
} catch (error) {
  process.stderr.write(`run_pyodide: Pyodide failed: ${String(error).split("\n").slice(0, 20).join("\n")}\n`);
  process.exitCode = 3;
}
