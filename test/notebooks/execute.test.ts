// Every notebook in notebooks/ runs through Deno without Jupyter (notebook-runner.ts), top to
// bottom, with no error; the numbers its text quotes still come out of the code; the stored
// outputs of cells marked `// @check-output` equal fresh ones. The convention is in
// docs/notebooks.md, "Writing a notebook". The harness's own behaviour is tested first on
// small notebooks written to a temp folder.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkHolds,
  freshOutputs,
  instrumentCell,
  isOutputChecked,
  joinSource,
  parseChecks,
  quotedValue,
  readNotebook,
  repoRoot,
  runNotebook,
  storedOutputs,
  type Cell,
  type NotebookRun,
} from './notebook-runner.ts';

const notebookDir = join(repoRoot, 'notebooks');
const notebooks = readdirSync(notebookDir)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

function code(source: string, outputs: Cell['outputs'] = []): Cell {
  return { cell_type: 'code', source, outputs, execution_count: null };
}
function markdown(source: string): Cell {
  return { cell_type: 'markdown', source };
}

/** Quoted numbers whose code gives a value outside the tolerance, or no value. */
function checkFailures(run: NotebookRun): string[] {
  return run.checks
    .filter((c) => !checkHolds(c))
    .map(
      (c) =>
        `${run.file} markdown cell ${c.cell}: quotes ${c.relation === 'equal' ? '' : `${c.relation} `}` +
        `${c.quoted} for \`${c.expression}\`, ` +
        (c.value === null ? `which failed: ${c.error}` : `which is now ${c.value}`),
    );
}

/** Cells marked `// @check-output` whose stored outputs differ from the fresh ones. */
function outputMismatches(file: string, cells: Cell[], run: NotebookRun): string[] {
  const out: string[] = [];
  for (const fresh of run.cells) {
    const cell = cells[fresh.cell];
    if (!isOutputChecked(cell)) continue;
    const want = storedOutputs(cell);
    const got = freshOutputs(fresh);
    if (JSON.stringify(want) !== JSON.stringify(got))
      out.push(
        `${file} cell ${fresh.cell}: stored outputs differ from fresh ones ` +
          `(run \`npm run notebooks\`)\nstored: ${JSON.stringify(want).slice(0, 800)}\n` +
          `fresh:  ${JSON.stringify(got).slice(0, 800)}`,
      );
  }
  return out;
}

describe('notebook harness', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rewardmix-nbtest-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  function write(name: string, cells: Cell[]): string {
    const file = join(tmp, name);
    writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    return file;
  }

  it('quoted numbers: the last number before each check, tolerance from its digits', () => {
    const cs = parseChecks(
      'Drift ends at **0.412**<!-- check: a -->, a gain of 1,250 units <!-- check: b ±5 --> ' +
        'and −3e-4 <!-- check: c -->, below 1e-12<!-- check below: d -->.',
      7,
    );
    expect(cs.map((c) => [c.cell, c.expression, c.quoted, c.relation])).toEqual([
      [7, 'a', '0.412', 'equal'],
      [7, 'b', '1,250', 'equal'],
      [7, 'c', '−3e-4', 'equal'],
      [7, 'd', '1e-12', 'below'],
    ]);
    expect(cs[0].tolerance).toBeCloseTo(0.0005, 12);
    expect(cs[1].tolerance).toBe(5);
    expect(cs[2].tolerance).toBeCloseTo(0.5e-4, 12);
    expect(quotedValue(cs[1].quoted)).toBe(1250);
    expect(quotedValue(cs[2].quoted)).toBe(-3e-4);
  });

  it('hands the final expression of a cell to the harness', () => {
    expect(instrumentCell('const x = 1;\nx + 1 // shown', 4)).toBe(
      'const x = 1;\nawait __nbHarness.result(4, (x + 1)); // shown\n;__nbHarness.end(4);\n',
    );
    expect(instrumentCell('const x = 1;', 0)).toBe('const x = 1;\n;__nbHarness.end(0);\n');
  });

  it('carries state across cells like the kernel, with results, displays and stdout', () => {
    const file = write('ok.ipynb', [
      code("const r: number = 2;\nconsole.log('hello', r);"),
      markdown(
        'Twice r is 4.0<!-- check: 2 * r -->, r is 2.5<!-- check: r -->, ' +
          'above 1<!-- check above: r -->, below 1<!-- check below: r -->',
      ),
      code(
        "const r = 3; // declared again, as a kernel allows\nawait Deno.jupyter.display({ 'text/plain': 'bundle' }, { raw: true });\nDeno.jupyter.md`**${r}**`",
      ),
      code('({ a: [1, 2], s: "x" })'),
    ]);
    const run = runNotebook(file);
    expect(run.failure).toBeNull();
    expect(run.cells.map((c) => c.completed)).toEqual([true, true, true]);
    expect(run.cells[0].stdout).toBe('hello 2\n');
    expect(run.cells[1].rich).toEqual([{ 'text/plain': 'bundle' }, { 'text/markdown': '**3**' }]);
    expect(run.cells[2].rich).toEqual([{ 'text/plain': '{ a: [ 1, 2 ], s: "x" }' }]);
    expect(run.checks.map((c) => c.value)).toEqual([4, 2, 2, 2]);
    expect(checkFailures(run)).toEqual([
      'ok.ipynb markdown cell 1: quotes 2.5 for `r`, which is now 2',
      'ok.ipynb markdown cell 1: quotes below 1 for `r`, which is now 2',
    ]);
  });

  it('names the cell that throws and stops there', () => {
    const file = write('bad.ipynb', [
      code('const a = 1;'),
      markdown('text'),
      code("if (a === 1) throw new Error('boom in cell two');"),
      code("console.log('never');"),
    ]);
    const run = runNotebook(file);
    expect(run.failure?.cell).toBe(2);
    expect(run.failure?.message).toContain('boom in cell two');
    expect(run.cells.find((c) => c.cell === 3)?.stdout).toBe('');
  });

  it('names a cell with a syntax error', () => {
    const run = runNotebook(write('syntax.ipynb', [code('const a = 1;'), code('const = ;')]));
    expect(run.failure?.cell).toBe(1);
  });

  it('sees stored outputs that no longer match', () => {
    const stale = code("// @check-output\nconsole.log('value', 1 + 1);\n'fresh'", [
      { output_type: 'stream', name: 'stdout', text: ['value 3\n'] },
      { output_type: 'execute_result', data: { 'text/plain': ['"fresh"'] } },
    ]);
    const file = write('stale.ipynb', [stale]);
    const run = runNotebook(file);
    expect(run.failure).toBeNull();
    expect(outputMismatches('stale.ipynb', [stale], run)).toHaveLength(1);
    stale.outputs![0].text = ['value  2\n'];
    expect(outputMismatches('stale.ipynb', [stale], run)).toEqual([]);
  });
});

describe('notebooks', () => {
  it('there are notebooks to run', () => expect(notebooks).toContain('00-quickstart.ipynb'));

  for (const name of notebooks) {
    describe(name, () => {
      const file = join(notebookDir, name);
      const nb = readNotebook(file);
      let run: NotebookRun;

      it('runs every code cell without error', () => {
        run = runNotebook(file);
        if (run.failure)
          throw new Error(`${name} cell ${run.failure.cell} failed:\n${run.failure.message}`);
        expect(run.cells.every((c) => c.completed)).toBe(true);
      }, 600_000);

      it('uses the repo kernel and was executed top to bottom in one session', () => {
        expect(nb.metadata.kernelspec?.name).toBe('rewardmix-deno');
        const counts = nb.cells
          .filter((c) => c.cell_type === 'code' && joinSource(c.source).trim() !== '')
          .map((c) => c.execution_count);
        expect(counts).toEqual(counts.map((_, i) => i + 1));
      });

      it('quotes numbers the code still produces', () => {
        expect(run, 'the run failed').toBeDefined();
        expect(checkFailures(run)).toEqual([]);
      });

      it('stores the outputs the code produces in cells marked @check-output', () => {
        expect(run, 'the run failed').toBeDefined();
        expect(outputMismatches(name, nb.cells, run)).toEqual([]);
      });
    });
  }
});
