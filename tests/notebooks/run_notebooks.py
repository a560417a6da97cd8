#!/usr/bin/env python3
"""Runs the notebooks headless on the Java kernel (JJava), top to bottom, as CI does.

    scripts/setup-notebooks                                   # once: kernel and tools
    .venv-notebooks/bin/python tests/notebooks/run_notebooks.py                 # notebooks/*.ipynb
    .venv-notebooks/bin/python tests/notebooks/run_notebooks.py path/to/one.ipynb

A notebook passes when:
- it is committed clean: it asks for the "java" kernel, and no code cell has outputs or
  an execution count (clear them with
  `.venv-notebooks/bin/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb`);
- nothing in the file, nor in any output it produces, looks like a Groq key
  (`gsk_` followed by 20 or more letters or digits);
- every code cell runs without an error. A cell tagged `raises-exception` (the tag
  nbclient and JupyterLab already know) may show an error on purpose;
- every expectation holds. A code cell lists the texts its output must contain under
  "expect" in its metadata (JupyterLab: Property Inspector > Advanced Tools):

      "metadata": {"expect": ["Hello", "finish_reason: stop"]}

  Output means what the cell printed on stdout and stderr plus the plain text of its
  results and displays.

Set NOTEBOOKS_EXECUTED_DIR to a folder to keep a copy of each notebook as it ran, with
its outputs, to read them (the notebooks themselves are never written to).

The kernel starts in the notebook's folder and inherits this environment, so
GROQ_BASE_URL, GROQ_API_KEY and the like reach the notebook. Each cell gets
NOTEBOOK_CELL_TIMEOUT seconds (default 120: a first `%maven` may download jars).
A notebook stops at its first failing cell. Exits 1 if any notebook failed; the
last line reads "notebooks: N passed, N failed".
"""
import os
import re
import sys
import time
from pathlib import Path

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from jupyter_client.kernelspec import NoSuchKernel
except ImportError:
    sys.exit("run_notebooks: nbclient is not installed here. Run scripts/setup-notebooks, "
             "then run this script with .venv-notebooks/bin/python.")

REPO = Path(__file__).resolve().parents[2]
KERNEL = "java"
KEY = re.compile(r"gsk_[A-Za-z0-9]{20,}")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CELL_TIMEOUT = int(os.environ.get("NOTEBOOK_CELL_TIMEOUT", "120"))
EXECUTED_DIR = os.environ.get("NOTEBOOKS_EXECUTED_DIR")
KERNEL_STARTUP_TIMEOUT = 60


class NotebookFailure(Exception):
    """What went wrong in one notebook, as a sentence for the person reading CI's log."""


def main(args):
    paths = [Path(a) for a in args] or sorted((REPO / "notebooks").glob("*.ipynb"))
    if not paths:
        print("run_notebooks: no notebooks in notebooks/, nothing to run.")
        return 0
    failed = 0
    for path in paths:
        started = time.monotonic()
        try:
            run_notebook(path)
            print(f"PASS {shown(path)} ({time.monotonic() - started:.1f} s)")
        except NotebookFailure as failure:
            failed += 1
            print(f"FAIL {shown(path)}: {failure}")
    print(f"notebooks: {len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


def run_notebook(path):
    raw = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(raw, as_version=4)
    check_committed_clean(notebook, raw)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        startup_timeout=KERNEL_STARTUP_TIMEOUT,
        allow_errors=True,  # errors are judged below, cell by cell, with a clearer message
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    try:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type == "code":
                    run_cell(client, index, cell)
    except NoSuchKernel:
        raise NotebookFailure('this Python has no "java" kernel. Run scripts/setup-notebooks, '
                              "then run this script with .venv-notebooks/bin/python.") from None
    except DeadKernelError as error:
        raise NotebookFailure(f"the Java kernel died ({error}).") from None
    except (RuntimeError, TimeoutError, OSError) as error:
        raise NotebookFailure(f"the Java kernel did not start ({error}). "
                              "Is a JDK 11 or newer on PATH?") from None
    finally:
        if EXECUTED_DIR:
            Path(EXECUTED_DIR).mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, Path(EXECUTED_DIR) / path.name)


def check_committed_clean(notebook, raw):
    if KEY.search(raw):
        raise NotebookFailure("the file contains something that looks like a Groq key (gsk_...). "
                              "Remove it, and revoke that key at console.groq.com.")
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL:
        raise NotebookFailure(f'it asks for the kernel {kernel!r}; choose "Java (jjava)" '
                              "(kernel name \"java\") in JupyterLab's Kernel menu and save it.")
    dirty = [str(index + 1) for index, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)]
    if dirty:
        raise NotebookFailure(f"cell(s) {', '.join(dirty)} were saved with outputs or execution "
                              "counts. Clear them: .venv-notebooks/bin/jupyter nbconvert "
                              "--clear-output --inplace notebooks/*.ipynb")


def run_cell(client, index, cell):
    where = f"cell {index + 1} ({first_line(cell)})"
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        raise NotebookFailure(f"{where} did not finish within {CELL_TIMEOUT} s "
                              "(NOTEBOOK_CELL_TIMEOUT).") from None
    text = output_text(cell)
    if KEY.search(text):
        raise NotebookFailure(f"{where} printed something that looks like a Groq key (gsk_...). "
                              "Never print a key: it would end up in a saved notebook.")
    errors = [output for output in cell.outputs if output.output_type == "error"]
    if errors and "raises-exception" not in cell.metadata.get("tags", []):
        raise NotebookFailure(f"{where} failed:\n{describe(errors[0])}")
    for expected in cell.metadata.get("expect", []):
        if expected not in text:
            raise NotebookFailure(f"{where} should have printed {expected!r}, "
                                  f"but its output was:\n{indent(text[:2000] or '(nothing)')}")


def output_text(cell):
    """Everything a cell showed as text: stdout, stderr, plain-text results, tracebacks.

    A streamed answer arrives as many small stream outputs, one per piece: they are joined
    as they are shown, without a line break between them.
    """
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append("\n" + output.get("data", {}).get("text/plain", "") + "\n")
        elif output.output_type == "error":
            parts.append("\n" + describe(output) + "\n")
    return "".join(parts).strip("\n")


def describe(error):
    """The error's name, message and the start of its traceback, without terminal colours."""
    lines = [f"{error.ename}: {error.evalue}"] + [ANSI.sub("", line) for line in error.traceback]
    lines = [line[:200] for text in lines[:15] for line in text.splitlines()]
    return indent("\n".join(lines[:15]))


def first_line(cell):
    line = next((line for line in cell.source.splitlines() if line.strip()), "")
    return line.strip()[:60] or "empty"


def indent(text):
    return "\n".join("    " + line for line in text.splitlines())


def shown(path):
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
