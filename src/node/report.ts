/**
 * Reports at the Node edge: run a scenario with its comparison and each change alone, review and
 * deploy it, and hand the results to the pure report builder (src/report); then render the
 * charts and write the report directory (index.html, report.md, charts/*) atomically. Also reads
 * a run directory written by `rewardmix run` back as report input, and theme files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChartTheme } from '../charts/index.ts';
import {
  PALETTES,
  paletteColors,
  resolveTheme,
  sharedColours,
  type Spec,
} from '../charts/index.ts';
import { deploy } from '../engine/deployment.ts';
import { effectiveWeights, mixedReward } from '../engine/mix.ts';
import { evaluatePolicy } from '../engine/metrics.ts';
import { tiltOptimum } from '../engine/optimum.ts';
import { fromRows } from '../engine/policy.ts';
import type { MetricRow, World } from '../engine/types.ts';
import {
  buildReport,
  chartSpecs,
  reportFacts,
  reportHtmlBody,
  reportMarkdown,
  REPORT_CHARTS,
  REPORT_CSS,
  type Report,
  type ReportInput,
  type ReportChartName,
  type ReportRun,
} from '../report/index.ts';
import { compileScenario, type NormalizedScenario } from '../scenario/compile.ts';
import { InputError } from '../scenario/errors.ts';
import { didYouMean, type Issue } from '../scenario/spec.ts';
import { displayPath, parseScenarioText, type LoadedScenario } from './load.ts';
import { chartCsv, renderSvg, svgToPng } from './render.ts';
import {
  checkOutputDir,
  parentScenario,
  resolveDeployment,
  resolveReview,
  REWARDMIX_VERSION,
  runScenario,
  writeOutputDir,
  type RunSummary,
} from './runs.ts';
import { htmlPage } from './vega-bundle.ts';

/** The folder of the installed package (holds scenarios/, docs/, package.json). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The marker file of a report directory: a previous report at `--out` may be replaced. */
export const REPORT_MARKER = 'rewardmix-report.json';

// ---- gathering the runs -----------------------------------------------------------------------

/** A run the report uses: the report's view of it, its world, and its loaded scenario. */
interface GatheredRun {
  run: ReportRun & { hash?: string };
  world: World;
  loaded: LoadedScenario;
  seed: number | string;
  steps: number;
}

const SCENARIO_EXT = /\.(ya?ml|json)$/i;

function scenarioName(loaded: LoadedScenario): string {
  return loaded.world.name || basename(loaded.path).replace(SCENARIO_EXT, '');
}

function fromScenario(file: string, seed: number | undefined): GatheredRun {
  const { loaded, result, seed: used } = runScenario(file, { seed });
  return {
    run: {
      name: scenarioName(loaded),
      source: displayPath(loaded.path),
      trajectory: result.trajectory,
      finalPolicy: result.finalPolicy,
      hash: loaded.hash,
    },
    world: loaded.world,
    loaded,
    seed: used,
    steps: result.steps,
  };
}

/** Whether `path` is a run directory written by `rewardmix run` (it holds summary.json). */
export function isRunDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, 'summary.json'));
  } catch {
    return false;
  }
}

/** A file's text; an InputError naming it when it cannot be read. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(displayPath(path), `cannot read: ${(e as Error).message}`);
  }
}

function readJson(path: string): unknown {
  const src = displayPath(path);
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(src, `malformed JSON: ${(e as Error).message}`);
  }
}

/** metrics.jsonl as long rows (null values, written for non-finite numbers, read back as NaN). */
export function readMetricsJsonl(path: string): MetricRow[] {
  const src = displayPath(path);
  const text = readText(path);
  const rows: MetricRow[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let r: { step?: unknown; key?: unknown; value?: unknown };
    try {
      r = JSON.parse(line);
    } catch {
      throw new InputError(src, `line ${i + 1}: malformed JSON`);
    }
    if (typeof r.step !== 'number' || typeof r.key !== 'string')
      throw new InputError(
        src,
        `line ${i + 1}: expected {"step": number, "key": string, "value": number}`,
      );
    rows.push({ step: r.step, key: r.key, value: typeof r.value === 'number' ? r.value : NaN });
  });
  if (rows.length === 0) throw new InputError(src, 'no metrics recorded');
  return rows;
}

/**
 * A run directory read back: the trajectory from metrics.jsonl, the final policy and the
 * parameters from summary.json, and the world compiled from those parameters (so `--set`
 * overrides of the run are kept).
 */
function fromRunDir(dir: string): GatheredRun & { scenarioFile: string | null } {
  const abs = resolve(dir);
  const summaryPath = join(abs, 'summary.json');
  const src = displayPath(summaryPath);
  const s = readJson(summaryPath) as Partial<RunSummary>;
  const params = s.provenance?.parameters as NormalizedScenario | undefined;
  if (!params || !Array.isArray(s.finalPolicy) || !Array.isArray(s.situations))
    throw new InputError(
      src,
      'expected a summary written by `rewardmix run` (with finalPolicy, situations and provenance.parameters)',
    );
  const world = compileScenario(params, src);
  const ids = world.contexts.map((c) => c.id).join('\n');
  if (ids !== s.situations.join('\n'))
    throw new InputError(src, 'situations differ from those its parameters compile to');
  const finalPolicy = fromRows(s.finalPolicy);
  if (finalPolicy.length !== world.contexts.length * world.actions.length)
    throw new InputError(src, 'finalPolicy: expected situations × styles numbers');
  const scenarioFile = s.provenance?.scenario ? resolve(s.provenance.scenario) : null;
  const loaded: LoadedScenario = {
    path: summaryPath,
    files: [summaryPath],
    hash: s.provenance?.hash ?? '',
    raw: {},
    scenario: params,
    world,
  };
  // A what-if run says so wherever it is named (title, findings, legends): the scenario's name
  // alone would present it as the scenario itself.
  const sets = Array.isArray(s.provenance?.sets) ? s.provenance.sets.map(String) : [];
  const base = s.scenario || world.name || basename(abs);
  return {
    run: {
      name: sets.length ? `${base} (${sets.join(', ')})` : base,
      source: displayPath(abs),
      trajectory: readMetricsJsonl(join(abs, 'metrics.jsonl')),
      finalPolicy,
      hash: s.provenance?.hash,
    },
    world,
    loaded,
    seed: s.seed ?? 0,
    steps: s.steps ?? 0,
    scenarioFile: scenarioFile && existsSync(scenarioFile) ? scenarioFile : null,
  };
}

/** A scenario file of one change alone. */
const ONE_CHANGE = /-only\.(ya?ml|json)$/i;

/** Preferred order of the shipped "each change alone" scenarios; others follow by name. */
const CHANGE_ORDER = ['thumbs-only', 'memory-only', 'fresher-data-only'];

/**
 * The "each change alone" scenarios of a comparison: files `*-only.yaml` (or .yml, .json) next to
 * the candidate that extend the comparison (for the shipped scenarios: thumbs-only, memory-only
 * and fresher-data-only, each extending baseline). None when the candidate is itself one change
 * alone (a `*-only` file): its siblings are not parts of it, and it is not "all of them together".
 */
export function changesAlone(candidate: string, comparison: string): string[] {
  if (ONE_CHANGE.test(basename(candidate))) return [];
  const dir = dirname(resolve(candidate));
  const skip = new Set([resolve(candidate), resolve(comparison)]);
  const found: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (!ONE_CHANGE.test(f) || skip.has(p)) continue;
    try {
      if (parentScenario(p) === resolve(comparison)) found.push(p);
    } catch {
      // an unreadable or malformed sibling is not one of the changes
    }
  }
  const rank = (p: string) => {
    const i = CHANGE_ORDER.indexOf(basename(p).replace(SCENARIO_EXT, ''));
    return i < 0 ? CHANGE_ORDER.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface GatherOptions {
  /** The comparison: a scenario file, `null` for none, undefined for the scenario it extends. */
  vs?: string | null;
  /** Seed for every run, the review and the deployment; default: the candidate's. */
  seed?: number;
  /** Run each change alone (sibling `*-only` scenarios extending the comparison). Default true. */
  changes?: boolean;
}

function sameShape(a: World, b: World, src: string, what: string): void {
  const ids = (w: World) => [
    w.contexts.map((c) => c.id).join(','),
    w.actions.map((x) => x.id).join(','),
  ];
  const [ac, aa] = ids(a);
  const [bc, ba] = ids(b);
  if (ac !== bc || aa !== ba)
    throw new InputError(
      src,
      `${what} must have the same situations and response styles as the scenario reported on (${b.contexts.length} situations, ${b.actions.length} styles here; ${a.contexts.length} and ${a.actions.length} there)`,
    );
}

/**
 * Everything a report needs, from a scenario file or a run directory: the runs (candidate,
 * comparison, each change alone, all with one seed), the review under both processes and the
 * deployment that follows, and the optimum tilt of the candidate's final mix.
 */
export function gatherReport(input: string, options: GatherOptions = {}): ReportInput {
  const fromDir = isRunDir(input);
  const cand = fromDir ? fromRunDir(input) : fromScenario(input, options.seed);
  const candFile = fromDir ? (cand as ReturnType<typeof fromRunDir>).scenarioFile : resolve(input);
  // Check the review and deployment sections before running anything else.
  const review = resolveReview(cand.loaded);
  const deployment = resolveDeployment(cand.loaded);
  if (!cand.world.features['sycophantic'])
    throw new InputError(
      displayPath(cand.loaded.path),
      'features: a report follows sycophancy through training, review and deployment; expected a `sycophantic` feature',
    );
  const seed = fromDir ? (options.seed ?? Number(cand.seed)) : Number(cand.seed);
  let vsFile: string | null = null;
  if (options.vs !== undefined) vsFile = options.vs === null ? null : resolve(options.vs);
  else if (candFile) vsFile = parentScenario(candFile);
  let comparison: GatheredRun | null = null;
  if (vsFile) {
    comparison = fromScenario(vsFile, seed);
    sameShape(cand.world, comparison.world, displayPath(vsFile), 'the comparison');
    if (comparison.run.name === cand.run.name) comparison.run.name = `${comparison.run.name} (vs)`;
  }
  const changes: GatheredRun[] = [];
  if (vsFile && candFile && options.changes !== false) {
    for (const f of changesAlone(candFile, vsFile)) {
      const g = fromScenario(f, seed);
      sameShape(cand.world, g.world, displayPath(f), 'each change alone');
      const taken = [cand.run.name, comparison!.run.name, ...changes.map((c) => c.run.name)];
      if (taken.includes(g.run.name)) g.run.name = basename(f).replace(SCENARIO_EXT, '');
      changes.push(g);
    }
  }
  const w = cand.world;
  const A = w.actions.length;
  const startPolicy = evaluatePolicy(w, w.initialTheta, 0).prob;
  const control = comparison
    ? { world: comparison.world, policy: Float64Array.from(comparison.run.finalPolicy) }
    : { world: w, policy: startPolicy };
  const result = deploy({
    control,
    candidate: { world: w, policy: Float64Array.from(cand.run.finalPolicy) },
    review,
    deployment,
    seed,
  });
  const T = w.trainer.steps;
  const optimum = tiltOptimum(
    mixedReward(w, effectiveWeights(w, T)),
    w.referenceLogProbs,
    A,
    w.beta,
  );
  return {
    version: REWARDMIX_VERSION,
    seed,
    trainer: { kind: w.trainer.kind, steps: cand.steps },
    candidate: cand.run,
    comparison: comparison?.run ?? null,
    changes: changes.map((c) => c.run),
    contexts: w.contexts.map((c) => c.id),
    actions: w.actions.map((a) => a.id),
    startPolicy,
    reference: Float64Array.from(w.referenceLogProbs, Math.exp),
    optimum,
    deployment: result,
    constraints: w.mix.constraints.map((c) => ({
      metric: c.metric,
      sense: c.sense,
      bound: c.bound,
    })),
  };
}

// ---- themes -----------------------------------------------------------------------------------

const THEME_FIELDS: Record<keyof ChartTheme, string> = {
  font: 'a font family name',
  fontSize: 'a number of px from 6 to 48',
  width: 'a whole number of px from 100 to 4000',
  height: 'a whole number of px from 60 to 4000',
  palette: `${Object.keys(PALETTES).join(', ')} or a list of CSS colours`,
  sequentialScheme: 'a vega colour scheme name (e.g. blues, greys, viridis)',
  title: 'true or false',
  background: 'a CSS colour',
  dashes: 'true or false',
};

/** CSS colours the renderer understands: #rgb, #rrggbb (#rrggbbaa), rgb()/rgba(), names. */
const COLOUR = /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|rgba?\([\d\s.,%]+\)|[a-z]{3,20})$/i;

/** Vega's sequential schemes (a fixed list, so a typo is caught before rendering). */
const SCHEMES = [
  'blues',
  'tealblues',
  'teals',
  'greens',
  'browns',
  'oranges',
  'reds',
  'purples',
  'warmgreys',
  'greys',
  'viridis',
  'magma',
  'inferno',
  'plasma',
  'cividis',
  'turbo',
  'bluegreen',
  'bluepurple',
  'goldgreen',
  'goldorange',
  'goldred',
  'greenblue',
  'orangered',
  'purplebluegreen',
  'purpleblue',
  'purplered',
  'redpurple',
  'yellowgreenblue',
  'yellowgreen',
  'yelloworangebrown',
  'yelloworangered',
  'darkblue',
  'darkgold',
  'darkgreen',
  'darkmulti',
  'darkred',
  'lightgreyred',
  'lightgreyteal',
  'lightmulti',
  'lightorange',
  'lighttealblue',
];

/** Checks theme data (from a JSON or YAML file): every field known and of the right type. */
export function checkTheme(data: unknown, src: string): Partial<ChartTheme> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError(
      src,
      `expected an object with some of the fields ${Object.keys(THEME_FIELDS).join(', ')}`,
    );
  const issues: Issue[] = [];
  const known = Object.keys(THEME_FIELDS);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (!(k in THEME_FIELDS)) {
      issues.push({
        path: k,
        message: `unknown field${didYouMean(k, known)}; expected one of ${known.join(', ')}`,
      });
      continue;
    }
    const key = k as keyof ChartTheme;
    const ok = (() => {
      switch (key) {
        case 'font':
          return typeof v === 'string' && /^[\w .-]{1,60}$/.test(v);
        case 'fontSize':
          return typeof v === 'number' && v >= 6 && v <= 48;
        case 'width':
          return Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 4000;
        case 'height':
          return Number.isInteger(v) && (v as number) >= 60 && (v as number) <= 4000;
        case 'palette':
          return typeof v === 'string'
            ? v in PALETTES
            : Array.isArray(v) &&
                v.length > 0 &&
                v.every((c) => typeof c === 'string' && COLOUR.test(c));
        case 'sequentialScheme':
          return typeof v === 'string' && SCHEMES.includes(v);
        case 'background':
          return typeof v === 'string' && COLOUR.test(v);
        case 'title':
        case 'dashes':
          return typeof v === 'boolean';
      }
    })();
    if (!ok) {
      const hint =
        typeof v === 'string' && key === 'palette'
          ? didYouMean(v, Object.keys(PALETTES))
          : typeof v === 'string' && key === 'sequentialScheme'
            ? didYouMean(v, SCHEMES)
            : '';
      issues.push({
        path: k,
        message: `found ${JSON.stringify(v)}, expected ${THEME_FIELDS[key]}${hint}`,
      });
    } else out[k] = v;
  }
  if (issues.length) throw new InputError(src, issues);
  return out as Partial<ChartTheme>;
}

/** Reads a theme file (JSON, or YAML for .yaml/.yml) and checks it. */
export function loadTheme(file: string): Partial<ChartTheme> {
  const abs = resolve(file);
  const src = displayPath(abs);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      src,
      `cannot read the theme file: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`,
    );
  }
  let data: unknown;
  if (/\.ya?ml$/i.test(abs)) data = parseScenarioText(text, abs);
  else {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new InputError(src, `malformed JSON: ${(e as Error).message}`);
    }
  }
  return checkTheme(data, src);
}

// ---- a palette too short for the charts -------------------------------------------------------

/**
 * One sentence when some chart has more series than the theme's palette has colours (vega then
 * repeats colours silently: two series look like one), naming each chart and the series that
 * share a colour; null when every series has its own colour.
 */
export function paletteWarning(
  specs: Partial<Record<string, Spec>>,
  theme: Partial<ChartTheme>,
  rebuild?: (theme: Partial<ChartTheme>) => Partial<Record<string, Spec>>,
): string | null {
  const parts: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const shared = sharedColours(spec);
    if (!shared.length) continue;
    parts.push(`${name} (${shared.map((x) => x.names.join(' and ')).join('; ')})`);
  }
  if (!parts.length) return null;
  const colours = paletteColors(resolveTheme(theme));
  const n = colours.length;
  // How many colours would do: the same charts with the palette padded by distinct colours
  // (signals keep fixed palette slots, so this can be more than the number of series).
  let enough: number | null = null;
  for (let m = n + 1; rebuild && m <= n + 16 && enough === null; m++) {
    const pad = Array.from(
      { length: m - n },
      (_, i) => `#0${(i + 1).toString(16).padStart(5, '0')}`,
    );
    const again = rebuild({ ...theme, palette: [...colours, ...pad] });
    if (Object.values(again).every((spec) => !sharedColours(spec).length)) enough = m;
  }
  return (
    `the theme's palette has ${n} colour${n === 1 ? '' : 's'}, fewer than the series of some ` +
    `charts, so colours repeat in ${parts.join(', ')}. The runs' lines (drift, dashboard) are then ` +
    `dashed as well; areas, bars and the signals' lines are not. ` +
    (enough ? `Give the palette at least ${enough} colours.` : 'Give the palette more colours.')
  );
}

const warned = new Set<string>();

/** Writes a warning on stderr, once per process for the same text. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`warning: ${message}\n`);
}

// ---- chart names ------------------------------------------------------------------------------

/** A chart kind from the command line; an InputError with the list and a hint otherwise. */
export function chartKind(kind: string): ReportChartName {
  const known: readonly string[] = REPORT_CHARTS;
  if (known.includes(kind)) return kind as ReportChartName;
  throw new InputError(
    'chart',
    `unknown chart kind "${kind}"${didYouMean(kind, [...REPORT_CHARTS])}; expected one of ${REPORT_CHARTS.join(', ')}`,
  );
}

/** One chart's spec from a report input (the same spec the report would draw). */
export function chartSpec(
  input: ReportInput,
  kind: ReportChartName,
  theme: Partial<ChartTheme> = {},
  warn: (message: string) => void = warnOnce,
): Spec {
  const facts = reportFacts(input);
  const spec = chartSpecs(input, facts, theme)[kind];
  const warning = paletteWarning({ [kind]: spec }, theme, (t) => ({
    [kind]: chartSpecs(input, facts, t)[kind],
  }));
  if (warning) warn(warning);
  return spec;
}

// ---- writing ----------------------------------------------------------------------------------

/** The four files of a chart (what `exportChart` writes), in memory. */
export async function chartFileContents(
  spec: Spec,
  name: string,
  scale = 2,
): Promise<Record<string, string | Uint8Array>> {
  const svg = await renderSvg(spec);
  return {
    [`${name}.vl.json`]: JSON.stringify(spec, null, 2) + '\n',
    [`${name}.svg`]: svg,
    [`${name}.png`]: svgToPng(svg, { scale }),
    [`${name}.csv`]: chartCsv(spec),
  };
}

/** The machine-readable side of a report: provenance and every number it states. */
function reportJson(report: Report, input: ReportInput): string {
  return (
    JSON.stringify(
      {
        rewardmix: input.version,
        title: report.title,
        seed: input.seed,
        trainer: input.trainer,
        candidate: {
          name: input.candidate.name,
          source: input.candidate.source,
          hash: input.candidate.hash,
        },
        comparison: input.comparison && {
          name: input.comparison.name,
          source: input.comparison.source,
        },
        changes: input.changes.map((c) => ({ name: c.name, source: c.source })),
        facts: report.facts,
        charts: report.charts.map((c) => c.name),
      },
      (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    ) + '\n'
  );
}

/** Every file of a report directory, by relative path. */
export async function reportFiles(
  report: Report,
  input: ReportInput,
  options: { scale?: number } = {},
): Promise<Record<string, string | Uint8Array>> {
  const files: Record<string, string | Uint8Array> = {};
  for (const c of report.charts) {
    const chartFiles = await chartFileContents(c.spec, c.name, options.scale ?? 2);
    for (const [name, data] of Object.entries(chartFiles)) files[`charts/${name}`] = data;
  }
  files['report.md'] = reportMarkdown(report);
  files['index.html'] = htmlPage({
    title: report.title,
    bodyHtml: reportHtmlBody(report),
    charts: report.charts.map((c) => ({ id: `chart-${c.name}`, spec: c.spec })),
    css: REPORT_CSS,
  });
  files[REPORT_MARKER] = reportJson(report, input);
  return files;
}

export interface ReportRunOptions extends GatherOptions {
  theme?: Partial<ChartTheme>;
  /** Where a warning about the theme goes (default: once on stderr). */
  warn?: (message: string) => void;
}

/** What `writeReport` did. */
export interface WrittenReport {
  dir: string;
  report: Report;
  input: ReportInput;
  /** Total bytes written. */
  bytes: number;
}

/**
 * Runs the scenario (or reads the run dir), builds the report and writes `dir` atomically: the
 * output path is checked first, everything is built in memory and written to a temporary sibling
 * that is renamed into place, so a failure leaves no partial directory.
 */
export async function writeReport(
  scenario: string,
  dir: string,
  options: ReportRunOptions = {},
): Promise<WrittenReport> {
  checkOutputDir(dir, REPORT_MARKER);
  const input = gatherReport(scenario, options);
  const report = buildReport(input, options.theme);
  const warning = paletteWarning(
    Object.fromEntries(report.charts.map((c) => [c.name, c.spec])),
    options.theme ?? {},
    (t) => chartSpecs(input, report.facts, t),
  );
  if (warning) (options.warn ?? warnOnce)(warning);
  const files = await reportFiles(report, input);
  const abs = writeOutputDir(dir, files, REPORT_MARKER);
  const bytes = Object.values(files).reduce(
    (s, d) => s + (typeof d === 'string' ? Buffer.byteLength(d) : d.length),
    0,
  );
  return { dir: abs, report, input, bytes };
}

/** The format of a `--out` file for one chart, from its extension. */
export function chartFormat(file: string): 'svg' | 'png' | 'vl.json' {
  if (/\.vl\.json$/i.test(file)) return 'vl.json';
  const ext = extname(file).toLowerCase();
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  throw new InputError('--out', `"${file}": expected a file name ending in .svg, .png or .vl.json`);
}
