// Runs a notebook's code cells through Deno without Jupyter, the way the Deno kernel does: one
// `deno repl` session (REPL mode, like the kernel: TypeScript, top-level await, a name may be
// declared again in a later cell), cells evaluated in order with the notebook's folder as the
// working directory. jupyter-shim.ts stands in for `Deno.jupyter`. The convention the checks
// follow is documented in docs/notebooks.md, "Writing a notebook".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const denoBin = join(repoRoot, 'node_modules/.bin/deno');
const shimFile = join(repoRoot, 'test/notebooks/jupyter-shim.ts');

/** A MIME bundle: mime type → data (a string, a list of lines, or JSON). */
export type Bundle = Record<string, unknown>;

export interface StoredOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error';
  name?: string;
  text?: string | string[];
  data?: Bundle;
  ename?: string;
  evalue?: string;
}

export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  outputs?: StoredOutput[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, any>;
}

/** A number quoted in a markdown cell with the expression that must reproduce it. */
export interface QuotedCheck {
  /** Index of the markdown cell in the notebook. */
  cell: number;
  /** Position among that cell's checks. */
  k: number;
  expression: string;
  /** The number as written in the text. */
  quoted: string;
  /** `equal`: |value − quoted| ≤ tolerance; `below`/`above`: value < or > quoted. */
  relation: 'equal' | 'below' | 'above';
  /** The largest allowed |value − quoted| (relation `equal`). */
  tolerance: number;
}

/** What one code cell did in the fresh run. */
export interface CellRun {
  cell: number;
  completed: boolean;
  /** Everything the cell wrote to stdout. */
  stdout: string;
  /** display_data and execute_result bundles, in order. */
  rich: Bundle[];
}

export interface CheckResult extends QuotedCheck {
  value: number | null;
  error: string | null;
}

export interface NotebookRun {
  file: string;
  cells: CellRun[];
  /** The first cell that did not complete, with the error Deno printed. */
  failure: { cell: number; message: string } | null;
  checks: CheckResult[];
  stderr: string;
}

export function readNotebook(file: string): Notebook {
  return JSON.parse(readFileSync(file, 'utf8')) as Notebook;
}

export function joinSource(source: string | string[] | undefined): string {
  return Array.isArray(source) ? source.join('') : (source ?? '');
}

/** True for code cells marked `// @check-output` on a line of their own. */
export function isOutputChecked(cell: Cell): boolean {
  return cell.cell_type === 'code' && /^\s*\/\/\s*@check-output\b/m.test(joinSource(cell.source));
}

const CHECK = /<!--\s*check(?:\s+(below|above))?:\s*([\s\S]*?)-->/g;
const NUMBER = /[-−]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

/**
 * The checks of a markdown cell. Each `<!-- check: EXPR -->` applies to the last number written
 * before it (since the previous check): the value of EXPR must round to that number (tolerance:
 * half a unit in its last digit), or lie within `±TOL` with `<!-- check: EXPR ±TOL -->`.
 * `<!-- check below: EXPR -->` and `<!-- check above: EXPR -->` require value < or > the number.
 */
export function parseChecks(markdown: string, cell: number): QuotedCheck[] {
  const out: QuotedCheck[] = [];
  let from = 0;
  for (const m of markdown.matchAll(CHECK)) {
    const before = markdown.slice(from, m.index);
    from = m.index + m[0].length;
    const relation = (m[1] ?? 'equal') as QuotedCheck['relation'];
    let body = m[2].trim();
    let tolerance: number | null = null;
    const tol = /\s*±\s*([0-9.eE+-]+)\s*$/.exec(body);
    if (tol) {
      tolerance = Number(tol[1]);
      body = body.slice(0, tol.index).trim();
    }
    const numbers = [...before.matchAll(NUMBER)];
    const last = numbers[numbers.length - 1];
    if (!last) throw new Error(`markdown cell ${cell}: no number before <!-- check: ${body} -->`);
    const quoted = last[0];
    const decimals = /\.(\d+)/.exec(quoted.replace(/[eE].*$/, ''))?.[1].length ?? 0;
    const exponent = Number(/[eE]([-+]?\d+)$/.exec(quoted)?.[1] ?? 0);
    out.push({
      cell,
      k: out.length,
      expression: body,
      quoted,
      relation,
      tolerance: tolerance ?? 0.5 * 10 ** (exponent - decimals) * (1 + 1e-9),
    });
  }
  return out;
}

export function quotedValue(quoted: string): number {
  return Number(quoted.replace(/,/g, '').replace('−', '-'));
}

/** Whether a check's value (from the fresh run) agrees with the number quoted in the text. */
export function checkHolds(c: CheckResult): boolean {
  if (c.value === null) return false;
  const q = quotedValue(c.quoted);
  if (c.relation === 'below') return c.value < q;
  if (c.relation === 'above') return c.value > q;
  return Math.abs(c.value - q) <= c.tolerance;
}

/**
 * The cell's code with its final expression statement (whose value Jupyter shows as the cell's
 * result) handed to the harness instead, and the cell's end marked after it.
 */
export function instrumentCell(source: string, cell: number): string {
  const sf = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const last = sf.statements[sf.statements.length - 1];
  let code = source;
  if (last && ts.isExpressionStatement(last)) {
    const expr = source.slice(last.expression.getStart(sf), last.expression.end);
    code =
      source.slice(0, last.getStart(sf)) +
      `await __nbHarness.result(${cell}, (${expr}));` +
      source.slice(last.end);
  }
  return `${code}\n;__nbHarness.end(${cell});\n`;
}

interface Event {
  t: 'begin' | 'end' | 'display' | 'result' | 'check' | 'abort';
  i: number;
  k?: number;
  bundle?: Bundle;
  value?: number | string;
  error?: string;
}

/** Executes the notebook's code cells in order and evaluates its markdown checks. */
export function runNotebook(file: string, options: { timeoutMs?: number } = {}): NotebookRun {
  const nb = readNotebook(file);
  const dir = mkdtempSync(join(tmpdir(), 'rewardmix-nb-'));
  try {
    const files: string[] = [shimFile];
    const checks: QuotedCheck[] = [];
    const cells: CellRun[] = [];
    let previous = -1;
    nb.cells.forEach((cell, i) => {
      const source = joinSource(cell.source);
      let code: string | null = null;
      if (cell.cell_type === 'code' && source.trim() !== '') {
        code = instrumentCell(source, i);
        cells.push({ cell: i, completed: false, stdout: '', rich: [] });
      } else if (cell.cell_type === 'markdown') {
        const cs = parseChecks(source, i);
        if (cs.length === 0) return;
        checks.push(...cs);
        code =
          cs.map((c) => `__nbHarness.check(${i}, ${c.k}, () => (${c.expression}));\n`).join('') +
          `__nbHarness.end(${i});\n`;
      }
      if (code === null) return;
      const begin = join(dir, `begin-${String(i).padStart(3, '0')}.ts`);
      const body = join(dir, `cell-${String(i).padStart(3, '0')}.ts`);
      writeFileSync(begin, `__nbHarness.begin(${i}, ${previous});\n`);
      writeFileSync(body, code);
      files.push(begin, body);
      previous = i;
    });
    const done = join(dir, 'done.ts');
    writeFileSync(done, `__nbHarness.begin(-1, ${previous});\n`);
    files.push(done);

    const proc = spawnSync(
      denoBin,
      ['repl', '-A', '--deny-net', `--eval-file=${files.join(',')}`],
      {
        cwd: dirname(resolve(file)),
        env: {
          ...process.env,
          NO_COLOR: '1',
          DENO_DIR: process.env.DENO_DIR ?? join(repoRoot, '.deno'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 540_000,
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    if (proc.error) throw proc.error;
    const stderr = proc.stderr;
    const byIndex = new Map(cells.map((c) => [c.cell, c]));
    const values = new Map<string, { value: number | null; error: string | null }>();
    let current: CellRun | undefined;
    let finished = false;
    const started = new Set<number>();
    const ended = new Set<number>();
    // Split stdout into plain text (belongs to the current cell) and harness events.
    const parts = proc.stdout.split(/\x1e([^\x1e]*)\x1e\n/);
    parts.forEach((part, n) => {
      if (n % 2 === 0) {
        if (current && !ended.has(current.cell)) current.stdout += part;
        return;
      }
      const ev = JSON.parse(part) as Event;
      if (ev.t === 'begin') {
        if (ev.i === -1) finished = true;
        started.add(ev.i);
        current = byIndex.get(ev.i);
      } else if (ev.t === 'end') {
        ended.add(ev.i);
        if (byIndex.has(ev.i)) byIndex.get(ev.i)!.completed = true;
      } else if ((ev.t === 'display' || ev.t === 'result') && ev.bundle) {
        byIndex.get(ev.i)?.rich.push(ev.bundle);
      } else if (ev.t === 'check') {
        const ok = typeof ev.value === 'number';
        values.set(`${ev.i}/${ev.k}`, {
          value: ok ? (ev.value as number) : null,
          error: ev.error ?? (ok ? null : `not a number: ${String(ev.value)}`),
        });
      }
    });

    let failure: NotebookRun['failure'] = null;
    if (!finished) {
      const order = [...cells.map((c) => c.cell), ...checks.map((c) => c.cell)].sort(
        (a, b) => a - b,
      );
      const cell = order.find((i) => !ended.has(i)) ?? -1;
      // The REPL prints `Error in --eval-file file "<path>": <error>` on stdout.
      const text = parts.filter((_, n) => n % 2 === 0).join('');
      const tag = `cell-${String(cell).padStart(3, '0')}.ts":`;
      const at = text.indexOf(tag);
      const message =
        at >= 0
          ? text
              .slice(at + tag.length)
              .split(/\n(?:Error in --eval-file|Deno \d)/)[0]
              .trim()
          : `${proc.signal ? `killed by ${proc.signal}` : `exit code ${proc.status}`}\n${stderr}`;
      failure = { cell, message: started.has(cell) ? message : `did not start: ${message}` };
    }
    return {
      file: basename(file),
      cells,
      failure,
      checks: checks.map((c) => ({
        ...c,
        ...(values.get(`${c.cell}/${c.k}`) ?? { value: null, error: 'not evaluated' }),
      })),
      stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Text compared without colour codes and with every run of whitespace made one space. */
export function normalizeText(text: string): string {
  return text.replace(ANSI, '').replace(/\s+/g, ' ').trim();
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** A bundle as comparable text: every mime type, text normalized, JSON with sorted keys. */
export function normalizeBundle(bundle: Bundle): Record<string, string> {
  const out: Record<string, string> = {};
  for (const mime of Object.keys(bundle).sort()) {
    const data = bundle[mime];
    const text =
      typeof data === 'string' || Array.isArray(data)
        ? normalizeText(joinSource(data as string | string[]))
        : canonicalJson(data);
    out[mime] = text;
  }
  return out;
}

/** The stored outputs of a cell in the shape a fresh run gives. */
export function storedOutputs(cell: Cell): { stdout: string; rich: Record<string, string>[] } {
  const outputs = cell.outputs ?? [];
  return {
    stdout: normalizeText(
      outputs
        .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
        .map((o) => joinSource(o.text))
        .join(''),
    ),
    rich: outputs
      .filter((o) => o.output_type === 'display_data' || o.output_type === 'execute_result')
      .map((o) => normalizeBundle(o.data ?? {})),
  };
}

export function freshOutputs(run: CellRun): { stdout: string; rich: Record<string, string>[] } {
  return { stdout: normalizeText(run.stdout), rich: run.rich.map(normalizeBundle) };
}
