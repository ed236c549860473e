/**
 * The explorer page: state (preset, control values, phase-map axes, what is hidden), the update
 * loop (a change re-simulates at once, the charts follow on the next animation frame), play mode
 * (requestAnimationFrame drives `run.run(k)`: the engine steps, the page owns time), the URL and
 * the exports. Everything numeric comes from the pure modules next to this one.
 */
import shipped from 'virtual:rewardmix-scenarios';
import type { ReviewResult, Run, RunResult, Trajectory } from '../engine/index.ts';
import { simulate } from '../engine/run.ts';
import { resolveTheme, signalColorScale, sortSignals, type ChartTheme } from '../charts/index.ts';
import { normalizeScenario } from '../scenario/compile.ts';
import { isInputError } from '../scenario/errors.ts';
import { specImage, createChartsView } from './charts-view.ts';
import { controlsFor, toSets, valuesOf, type ControlDef, type ControlValue } from './controls.ts';
import { byId, download, h, pct } from './dom.ts';
import { exportFileName, scenarioYaml } from './export.ts';
import { renderPanel, type Panel } from './panel.ts';
import { buildPresets, declaredParams, type Preset } from './presets.ts';
import {
  createCompiler,
  createSimulator,
  reviewsOf,
  SOURCE,
  type Simulation,
} from './simulation.ts';
import { encodeState, parseLocation, resolveValues, type ExplorerState } from './url-state.ts';
import {
  chartSpec,
  CHARTS,
  keyMoments,
  phaseMapCaveat,
  type ChartId,
  type Moment,
  type ViewInput,
} from './views.ts';

const DEFAULT_PRESET = 'baseline';
/** Chart sizes: two columns of charts next to the control panel. */
const THEME: Partial<ChartTheme> = { height: 220, title: false, fontSize: 12 };
/** Play mode lasts about this long whatever the number of steps (ms). */
const PLAY_MS = 6000;

export function startExplorer(): void {
  const presets = buildPresets(shipped);
  const declared = declaredParams(shipped);
  const simulator = createSimulator();
  const comparisonCompiler = createCompiler();
  const comparisonCache = new Map<string, ViewInput['comparison']>();
  const controlsCache = new Map<string, ControlDef[]>();

  // ---- state -------------------------------------------------------------------------------
  let preset: Preset;
  let controls: ControlDef[] = [];
  let values: Record<string, ControlValue> = {};
  let map: [string, string] = ['thumbs', 'spec'];
  let hide: string[] = [];
  let only: string[] = [];
  let sim: Simulation | null = null;
  let panel: Panel | null = null;
  let play: {
    run: Run;
    frame: number | null;
    /** Time of the last frame (ms), to advance by elapsed time, not by frames. */
    last: number | null;
    seen: Set<string>;
  } | null = null;
  let renderQueued = false;

  const status = byId('status');
  const charts = createChartsView(() => updateBusy());

  // ---- the static parts: presets bar, chart figures ---------------------------------------------
  const presetBar = byId('preset-buttons');
  for (const p of presets) {
    const b = h(
      'button',
      {
        type: 'button',
        class: 'preset',
        'data-preset': p.id,
        'aria-pressed': 'false',
        title: p.blurb,
      },
      p.label,
    );
    b.addEventListener('click', () => {
      selectPreset(p.id, {});
      changed();
    });
    presetBar.append(b);
  }
  const grid = byId('charts');
  for (const c of CHARTS) {
    const body = h('div', { class: 'chart', id: `chart-${c.id}` });
    const exports = h(
      'div',
      { class: 'chart-exports' },
      ...(['png', 'svg'] as const).map((type) => {
        const b = h(
          'button',
          {
            type: 'button',
            class: 'small',
            'aria-label': `Download “${c.title}” as ${type.toUpperCase()}`,
          },
          type.toUpperCase(),
        );
        b.addEventListener('click', () => void exportChart(c.id, type));
        return b;
      }),
    );
    const headExtra =
      c.id === 'phase-map'
        ? [h('p', { class: 'caveat', id: 'phase-caveat', hidden: true }), axisPickers()]
        : null;
    const fig = h(
      'figure',
      { class: `figure figure-${c.id}`, id: `figure-${c.id}`, 'aria-labelledby': `h-${c.id}` },
      h('div', { class: 'figure-head' }, h('h3', { id: `h-${c.id}` }, c.title), exports),
      h('p', { class: 'caption' }, c.caption),
      headExtra,
      // vega-embed makes its element an inline-block; the wrapper scrolls if a chart is wider.
      h('div', { class: 'chart-scroll' }, body),
    );
    grid.append(fig);
    charts.add(c.id, body);
  }

  function axisPickers(): HTMLElement {
    const pick = (axis: 0 | 1) => {
      const id = `map-${axis ? 'y' : 'x'}`;
      const select = h('select', {
        id,
        'data-axis': axis ? 'y' : 'x',
        'aria-label': `Weight on the phase map's ${axis ? 'vertical' : 'horizontal'} axis`,
      });
      select.addEventListener('change', () => {
        const next: [string, string] = [...map];
        next[axis] = select.value;
        if (next[0] === next[1]) next[1 - axis] = map[axis];
        map = next;
        changed({ resimulate: false });
      });
      return h(
        'span',
        { class: 'axis-pick' },
        h('label', { for: id }, axis ? 'Up' : 'Across'),
        select,
      );
    };
    return h('div', { class: 'axis-picks' }, pick(0), pick(1));
  }

  function refreshAxisPickers(): void {
    const weights = controls.filter((c) => c.signal);
    for (const [axis, sel] of [
      [0, byId<HTMLSelectElement>('map-x')],
      [1, byId<HTMLSelectElement>('map-y')],
    ] as const) {
      sel.replaceChildren(
        ...weights.map((c) => h('option', { value: c.signal! }, c.label.replace(/ weight$/, ''))),
      );
      sel.value = map[axis];
    }
  }

  // ---- presets and controls ------------------------------------------------------------------------
  function controlsOf(p: Preset): ControlDef[] {
    let cs = controlsCache.get(p.id);
    if (!cs) {
      cs = controlsFor(normalizeScenario(p.raw, `preset ${p.id}`), declared);
      controlsCache.set(p.id, cs);
    }
    return cs;
  }

  function selectPreset(id: string, overrides: Record<string, ControlValue>): void {
    stopPlay();
    preset =
      presets.find((p) => p.id === id) ??
      presets.find((p) => p.id === DEFAULT_PRESET) ??
      presets[0];
    controls = controlsOf(preset);
    values = { ...valuesOf(controls), ...overrides };
    const signals = controls.filter((c) => c.signal).map((c) => c.signal!);
    if (!map.every((s) => signals.includes(s)) || map[0] === map[1]) {
      const x = signals.includes('thumbs') ? 'thumbs' : signals[0];
      const y = signals.includes('spec') && x !== 'spec' ? 'spec' : signals.find((s) => s !== x)!;
      map = [x, y];
    }
    for (const b of presetBar.querySelectorAll<HTMLElement>('button.preset'))
      b.setAttribute('aria-pressed', String(b.dataset.preset === preset.id));
    byId('preset-source').replaceChildren(
      h('strong', {}, preset.label),
      preset.blurb ? ` — ${preset.blurb}` : '',
      h('span', { class: 'file' }, ` · ${preset.source}`),
    );
    buildPanel();
    refreshAxisPickers();
  }

  function buildPanel(): void {
    const names = sortSignals(controls.filter((c) => c.signal).map((c) => c.signal!));
    const scale = signalColorScale(names, resolveTheme(THEME));
    const colors = Object.fromEntries(names.map((n, i) => [n, (scale.range as string[])[i]]));
    const hidden = new Set(hide);
    panel = renderPanel(byId('control-groups'), controls, values, {
      visible: (c) =>
        !hidden.has(c.id) && !hidden.has(c.group) && (only.length === 0 || only.includes(c.id)),
      colors,
      onChange: (cid, v) => {
        values = { ...values, [cid]: v };
        changed();
      },
      onReset: (cid) => {
        const c = controls.find((x) => x.id === cid);
        if (!c) return;
        values = { ...values, [cid]: c.value };
        panel?.setValues(values);
        changed();
      },
    });
    const hiddenCount =
      controls.length - byId('control-groups').querySelectorAll('[data-control]').length;
    const note = byId('hidden-note');
    note.hidden = hiddenCount === 0;
    byId('hidden-count').textContent = String(hiddenCount);
    // Panels a link can hide besides controls: the presets bar, playback, export, any chart.
    const panels: Record<string, string> = {
      presets: 'presets',
      play: 'playback',
      export: 'export',
      settings: 'controls',
    };
    for (const c of CHARTS) panels[c.id] = `figure-${c.id}`;
    for (const [key, elId] of Object.entries(panels)) byId(elId).hidden = hidden.has(key);
  }

  // ---- the URL -------------------------------------------------------------------------------------
  function state(): ExplorerState {
    return { preset: preset.id, values, map, hide, only };
  }

  function writeUrl(): void {
    const hash = `#${encodeState(state(), controls)}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    byId<HTMLInputElement>('link-text').value = location.href;
  }

  function readUrl(): string[] {
    const q = parseLocation(location.search, location.hash);
    hide = q.hide;
    only = q.only;
    if (q.map) map = q.map;
    const p = presets.find((x) => x.id === q.preset);
    const problems: string[] = [];
    if (q.preset && !p)
      problems.push(`unknown preset "${q.preset}" in the link; showing ${DEFAULT_PRESET}`);
    const target = p ?? presets.find((x) => x.id === DEFAULT_PRESET) ?? presets[0];
    const { values: fromUrl, problems: bad } = resolveValues(q, controlsOf(target));
    selectPreset(target.id, fromUrl);
    return [...problems, ...bad];
  }

  // ---- simulate and show -----------------------------------------------------------------------------
  function changed(opts: { resimulate?: boolean } = {}): void {
    if (opts.resimulate !== false) {
      stopPlay();
      recompute();
    }
    writeUrl();
    queueRender();
  }

  function recompute(): void {
    const sets = toSets(controls, values);
    try {
      sim = simulator.simulate(preset.raw, sets);
      status.textContent = '';
      status.hidden = true;
      document.body.removeAttribute('data-error');
    } catch (e) {
      const msg = isInputError(e) ? (e as Error).message.replace(`${SOURCE}: `, '') : String(e);
      status.textContent = `These settings cannot be simulated: ${msg}`;
      status.hidden = false;
      document.body.setAttribute('data-error', 'true');
      if (!isInputError(e)) console.error(e);
    }
    const changedIds = new Set(controls.filter((c) => values[c.id] !== c.value).map((c) => c.id));
    panel?.setChanged(changedIds);
    if (sim) showReadouts(sim);
  }

  function comparison(s: Simulation): ViewInput['comparison'] {
    const base = presets.find((p) => p.id === DEFAULT_PRESET);
    if (!base) return null;
    const baseControls = controlsOf(base);
    const names = (w: { signals: { name: string }[] }) => w.signals.map((x) => x.name).join();
    const same = ['trainer', 'steps', 'seed'];
    const sets = toSets(
      baseControls.filter((c) => same.includes(c.id)),
      Object.fromEntries(same.filter((k) => k in values).map((k) => [k, values[k]])),
    );
    const key = sets.join('\n');
    if (preset.id === base.id && controls.every((c) => values[c.id] === c.value)) return null;
    if (!comparisonCache.has(key)) {
      try {
        const p = comparisonCompiler(base.raw, sets);
        comparisonCache.set(key, {
          world: p.world,
          result: simulate(p.world, { seed: p.scenario.seed }),
        });
      } catch {
        comparisonCache.set(key, null);
      }
    }
    const c = comparisonCache.get(key) ?? null;
    return c && names(c.world) === names(s.world) ? c : null;
  }

  function viewInput(s: Simulation): ViewInput {
    const partial = play ? play.run.result() : null;
    const label = (signal: string) => controls.find((c) => c.signal === signal)?.label ?? signal;
    const axisMax = (signal: string) => {
      const c = controls.find((x) => x.signal === signal);
      const v = Number(values[c?.id ?? ''] ?? 0);
      return Math.max(c?.uiMax ?? 5, v * 1.25);
    };
    return {
      sim: s,
      trajectory: partial ? (partial.trajectory as Trajectory) : s.result.trajectory,
      policy: partial ? partial.finalPolicy : s.result.finalPolicy,
      playedSteps: play ? play.run.t : null,
      comparison: comparison(s),
      map,
      mapMax: [axisMax(map[0]), axisMax(map[1])],
      labels: { x: label(map[0]), y: label(map[1]) },
      theme: THEME,
      widths: chartWidths(),
    };
  }

  /** Plot widths that fit the chart grid as it is laid out now. */
  function chartWidths(): ViewInput['widths'] {
    const full = Math.max(560, grid.clientWidth - 28); // a full-width figure's inside
    const column = (full - 14) / 2; // one of two columns
    // The inside of a one-column card as laid out now: the narrowest chart space shown.
    const shown = [...grid.querySelectorAll<HTMLElement>('.chart-scroll')]
      .map((el) => el.clientWidth)
      .filter((w) => w > 0);
    const card = shown.length ? Math.min(...shown) : column - 10;
    return {
      narrow: Math.max(240, Math.floor(column - 90)),
      wide: Math.max(480, Math.floor(full - 270)),
      heatmap: Math.max(440, Math.floor(full - 420)),
      // A phone's card is narrower than this: the chart scrolls in its card rather than shrink.
      card: Math.max(300, Math.floor(card)),
    };
  }
  let lastWidth = grid.clientWidth;
  window.addEventListener('resize', () => {
    if (Math.abs(grid.clientWidth - lastWidth) < 20) return;
    lastWidth = grid.clientWidth;
    queueRender();
  });

  function queueRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    updateBusy();
    requestAnimationFrame(() => {
      renderQueued = false;
      render();
    });
  }

  const PLAY_CHARTS: ChartId[] = ['drift', 'tug-of-war', 'dashboard', 'policy-heatmap'];

  function render(): void {
    if (!sim) return updateBusy();
    const v = viewInput(sim);
    const hidden = new Set(hide);
    for (const c of CHARTS) {
      if (hidden.has(c.id)) continue;
      if (play && !PLAY_CHARTS.includes(c.id)) continue;
      try {
        charts.show(c.id, chartSpec(c.id, v));
      } catch (e) {
        byId(`chart-${c.id}`).textContent =
          `This chart could not be built: ${(e as Error).message}`;
      }
    }
    const caveat = phaseMapCaveat(sim.world);
    byId('phase-caveat').textContent = caveat;
    byId('phase-caveat').hidden = caveat === '';
    showMoments(keyMoments(v.trajectory, sim.world, sim.threshold), play !== null);
    if (play) {
      // The readouts and both reviews follow the model as it trains (a review takes ~1 ms).
      const partial = play.run.result();
      showReadouts(sim, partial, reviewsOf(sim, partial, sim.controlPolicy));
    } else showReadouts(sim);
    updateBusy();
  }

  function updateBusy(): void {
    const pending = charts.pending() + (renderQueued ? 1 : 0);
    document.body.dataset.chartsPending = String(pending);
    if (pending === 0 && sim) document.body.dataset.ready = 'true';
  }

  // ---- readouts ------------------------------------------------------------------------------------
  function readout(id: string, key: string, r: RunResult, fmt: (x: number) => string): void {
    const col = r.trajectory.values[key];
    const el = byId(id);
    if (!col) {
      el.hidden = true;
      return;
    }
    el.hidden = false;
    const start = col[0];
    const end = r.final[key];
    el.dataset.value = String(end);
    el.dataset.start = String(start);
    el.querySelector('.value')!.textContent = fmt(end);
    const d = end - start;
    el.querySelector('.delta')!.textContent =
      `${fmt(start)} → ${fmt(end)} (${d >= 0 ? '+' : '−'}${(Math.abs(d) * 100).toFixed(1)} pts)`;
  }

  /** The readouts of a run: the finished one, or (play mode) the part played so far. */
  function showReadouts(s: Simulation, r: RunResult = s.result, reviews = s.reviews): void {
    readout('readout-sycophancy', 'eval/sycophancy', r, pct);
    readout('readout-accuracy', 'eval/accuracy', r, pct);
    readout('readout-thumbs', 'ab/thumbs_up', r, pct);
    const syc = byId('readout-sycophancy');
    const over = s.threshold !== null && r.final['eval/sycophancy'] > s.threshold;
    syc.toggleAttribute('data-over', over);
    byId('sycophancy-note').textContent =
      s.threshold === null
        ? ''
        : over
          ? `above the launch threshold ${pct(s.threshold)}`
          : `below the launch threshold ${pct(s.threshold)}`;
    byId('steps-note').textContent =
      r === s.result
        ? `after ${r.steps} ${s.world.trainer.kind} steps`
        : `at step ${r.steps} of ${s.world.trainer.steps}`;
    for (const rv of reviews) {
      const el = byId(`verdict-${rv.process}`);
      el.dataset.verdict = rv.verdict;
      el.querySelector('.value')!.textContent = rv.verdict === 'ship' ? 'SHIP' : 'BLOCK';
      el.querySelector('.why')!.textContent = verdictWhy(rv);
    }
    if (r !== s.result) return;
    const results = byId('results');
    results.dataset.final = JSON.stringify(s.result.final);
    results.dataset.verdicts = JSON.stringify(
      Object.fromEntries(s.reviews.map((r) => [r.process, r.verdict])),
    );
    const t = s.timings;
    const total = t.compile + t.run;
    const timing = byId('timing');
    Object.assign(timing.dataset, {
      compile: t.compile.toFixed(3),
      run: t.run.toFixed(3),
      review: t.review.toFixed(3),
      total: total.toFixed(3),
      recompiled: t.recompiled,
    });
    timing.textContent = `Re-simulated in ${total.toFixed(1)} ms (compile ${t.compile.toFixed(1)} ms${t.recompiled === 'none' ? ', cached' : t.recompiled === 'start' ? ', start model only' : ''}; train ${t.run.toFixed(1)} ms) · review ${t.review.toFixed(1)} ms`;
  }

  /** One line under a verdict: what stopped it, or that every deciding check passed. */
  function verdictWhy(rv: ReviewResult): string {
    if (rv.verdict === 'block') return rv.reasons.join('; ');
    const n = rv.rows.filter((r) => r.decides).length;
    const flagged = rv.notes.find((x) => x.startsWith('vibe check'));
    return `all ${n} deciding checks pass${flagged ? `; ${flagged}` : ''}`;
  }

  // ---- key moments -------------------------------------------------------------------------------
  function showMoments(moments: Moment[], live: boolean): void {
    const list = byId('moments-list');
    const items = moments.map((m) =>
      h(
        'li',
        { 'data-kind': m.kind, 'data-step': m.step },
        h('strong', {}, `Step ${m.step}: `),
        m.text,
      ),
    );
    if (!items.length)
      items.push(
        h(
          'li',
          { class: 'none' },
          live ? 'Nothing yet…' : 'Nothing tips: the spec signal holds sycophancy in check.',
        ),
      );
    list.replaceChildren(...items);
    if (play) {
      for (const m of moments) {
        const key = `${m.kind}@${m.step}`;
        if (!play.seen.has(key)) {
          play.seen.add(key);
          byId('announce').textContent = `Step ${m.step}: ${m.text}`;
        }
      }
    }
  }

  // ---- play mode: the page owns time, the engine steps ---------------------------------------------
  const playBtn = byId<HTMLButtonElement>('play');
  const stepBtn = byId<HTMLButtonElement>('step');
  const restartBtn = byId<HTMLButtonElement>('restart');
  const stepCount = byId('step-count');

  function newRun(): void {
    if (!sim) return;
    play = { run: simulator.startRun(sim), frame: null, last: null, seen: new Set() };
  }

  function frame(now: number): void {
    if (!play) return;
    // Steps due since the last frame: the whole run takes about PLAY_MS at any frame rate.
    const T = play.run.world.trainer.steps;
    const dt = play.last === null ? 16 : Math.min(100, now - play.last);
    play.last = now;
    play.run.run(Math.max(1, Math.round((T * dt) / PLAY_MS)));
    showPlayState();
    // Draw only when the charts have caught up; the next frame shows a newer step anyway.
    if (charts.pending() === 0 || play.run.done) render();
    if (play.run.done) {
      finishPlay();
      return;
    }
    play.frame = requestAnimationFrame(frame);
  }

  function showPlayState(): void {
    const T = sim?.world.trainer.steps ?? 0;
    const t = play ? play.run.t : T;
    stepCount.textContent = `step ${t} / ${T}`;
    const running = play?.frame != null;
    playBtn.textContent = running ? '❚❚ Pause' : '▶ Play training';
    playBtn.setAttribute('aria-pressed', String(running));
    document.body.toggleAttribute('data-playing', play !== null);
  }

  function finishPlay(): void {
    if (play?.frame != null) cancelAnimationFrame(play.frame);
    play = null;
    showPlayState();
    queueRender();
  }

  function stopPlay(): void {
    if (!play) return;
    if (play.frame != null) cancelAnimationFrame(play.frame);
    play = null;
    showPlayState();
  }

  playBtn.addEventListener('click', () => {
    if (play?.frame != null) {
      cancelAnimationFrame(play.frame);
      play.frame = null;
      showPlayState();
      return;
    }
    if (!play || play.run.done) newRun();
    if (!play) return;
    play.last = null;
    byId('announce').textContent = 'Training from the start model…';
    play.frame = requestAnimationFrame(frame);
    showPlayState();
  });
  stepBtn.addEventListener('click', () => {
    if (play?.frame != null) {
      cancelAnimationFrame(play.frame);
      play.frame = null;
    }
    if (!play) newRun();
    if (!play) return;
    play.run.step();
    showPlayState();
    render();
    if (play.run.done) finishPlay();
  });
  restartBtn.addEventListener('click', () => {
    stopPlay();
    newRun();
    showPlayState();
    render();
  });

  // ---- exports -----------------------------------------------------------------------------------
  async function exportChart(id: ChartId, type: 'png' | 'svg'): Promise<void> {
    if (!sim) return;
    const spec = chartSpec(id, { ...viewInput(sim), theme: { ...THEME, title: true } });
    const changes = toSets(controls, values, true);
    const name = exportFileName(`${preset.id}-${id}`, changes, type);
    const img = await specImage(spec, type);
    download(name, img, type === 'svg' ? 'image/svg+xml' : 'image/png');
  }

  byId('export-yaml').addEventListener('click', () => {
    if (!sim) return;
    const changes = toSets(controls, values, true);
    const text = scenarioYaml({ raw: sim.raw, preset: preset.id, changes, link: location.href });
    byId('results').dataset.yaml = text;
    download(exportFileName(preset.id, changes, 'yaml'), text, 'text/yaml');
  });

  byId('copy-link').addEventListener('click', async () => {
    const input = byId<HTMLInputElement>('link-text');
    input.value = location.href;
    let ok = false;
    try {
      await navigator.clipboard.writeText(location.href);
      ok = true;
    } catch {
      input.select();
      ok = document.execCommand?.('copy') ?? false;
    }
    byId('announce').textContent = ok ? 'Link copied.' : 'Select the link and copy it.';
  });

  byId('show-all').addEventListener('click', () => {
    hide = [];
    only = [];
    buildPanel();
    changed({ resimulate: false });
  });

  window.addEventListener('hashchange', () => {
    if (location.hash === `#${encodeState(state(), controls)}`) return;
    const problems = readUrl();
    recompute();
    showProblems(problems);
    writeUrl();
    queueRender();
  });

  function showProblems(problems: string[]): void {
    if (!problems.length) return;
    status.hidden = false;
    status.textContent = problems.join(' · ');
  }

  // ---- start -------------------------------------------------------------------------------------
  const problems = readUrl();
  recompute();
  showProblems(problems);
  writeUrl();
  showPlayState();
  queueRender();
}
