#!/usr/bin/python3
"""Runs the TypeScript notebooks headless with Deno's Jupyter kernel, nbclient as the runner.

Usage: /usr/bin/python3 scripts/run_notebooks.py [notebooks/NAME.ipynb ...] [--out DIR] [--install-kernel]

- Installs a project-local kernelspec (argv: the Deno binary in node_modules) under notebooks/.jupyter and points
  JUPYTER_PATH at it: nothing is installed per user.
- Executes every cell with nbclient; Deno 2.7 sends "transient": null, which nbclient cannot read, so each message
  is normalised first. A cell that raises, or an error that escapes a cell (a timer, an un-awaited promise) and
  surfaces as an error output or an "Uncaught" on stderr, fails the notebook.
- Saves the executed .ipynb and an .html export under --out (default test-artifacts/notebooks).
- Prints one line per notebook and "N passed, N failed"; exits 1 when any failed.
"""
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = 'dropgrad-deno'


def install_kernel():
    jpath = os.path.join(ROOT, 'notebooks', '.jupyter')
    kdir = os.path.join(jpath, 'kernels', KERNEL)
    os.makedirs(kdir, exist_ok=True)
    deno = os.path.join(ROOT, 'node_modules', '.bin', 'deno')
    spec = {'argv': [deno, 'jupyter', '--kernel', '--conn', '{connection_file}'],
            'display_name': 'Deno (dropgrad-lab)', 'language': 'typescript'}
    with open(os.path.join(kdir, 'kernel.json'), 'w') as f:
        json.dump(spec, f, indent=1)
    os.environ['JUPYTER_PATH'] = jpath + os.pathsep + os.environ.get('JUPYTER_PATH', '')
    return jpath


def main():
    args = sys.argv[1:]
    out = os.path.join(ROOT, 'test-artifacts', 'notebooks')
    if '--out' in args:
        i = args.index('--out')
        out = args[i + 1]
        del args[i:i + 2]
    jpath = install_kernel()
    if '--install-kernel' in args:
        print(f'kernelspec {KERNEL} installed in {jpath}; use JUPYTER_PATH={jpath}')
        return 0
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    class DenoClient(NotebookClient):
        def process_message(self, msg, cell, cell_index):
            content = msg.get('content', {})
            if content.get('transient', {}) is None:
                content['transient'] = {}
            return super().process_message(msg, cell, cell_index)

    books = args or sorted(os.path.join(ROOT, 'notebooks', f) for f in os.listdir(os.path.join(ROOT, 'notebooks')) if f.endswith('.ipynb'))
    os.makedirs(out, exist_ok=True)
    passed = failed = 0
    for path in books:
        name = os.path.splitext(os.path.basename(path))[0]
        nb = nbformat.read(path, as_version=4)
        # A last, empty cell after a pause collects errors that escape earlier cells asynchronously.
        nb.cells.append(nbformat.v4.new_code_cell('await new Promise((r) => setTimeout(r, 300));'))
        client = DenoClient(nb, kernel_name=KERNEL, timeout=900, resources={'metadata': {'path': os.path.dirname(os.path.abspath(path))}})
        t0 = time.time()
        problem = None
        try:
            client.execute()
        except CellExecutionError as e:
            problem = str(e).strip().splitlines()[-1] if str(e).strip() else 'cell failed'
        except Exception as e:  # kernel died, timeout
            problem = f'{type(e).__name__}: {e}'
        for cell in nb.cells:
            for o in cell.get('outputs', []):
                if problem is None and o.get('output_type') == 'error':
                    problem = f"{o.get('ename')}: {o.get('evalue')}"
                if problem is None and o.get('output_type') == 'stream' and o.get('name') == 'stderr' and 'Uncaught' in o.get('text', ''):
                    problem = o['text'].strip().splitlines()[0]
        nb.cells.pop()
        nbformat.write(nb, os.path.join(out, name + '.ipynb'))
        try:
            body, _ = HTMLExporter().from_notebook_node(nb)
            with open(os.path.join(out, name + '.html'), 'w') as f:
                f.write(body)
        except Exception as e:
            print(f'  (html export of {name} failed: {e})')
        if problem:
            failed += 1
            print(f'FAIL {name} ({time.time() - t0:.1f} s): {problem}')
        else:
            passed += 1
            print(f'ok   {name} ({time.time() - t0:.1f} s)')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
