// The phase map: equilibrium sycophancy is the tilt's eval/sycophancy (a reference: the run's
// converged final point), the contour lies where the grid crosses the level, and the views give
// the key moments the charts mark.
import { describe, expect, it } from 'vitest';
import { simulate, tiltOptimum, effectiveWeights, mixedReward } from '../../src/engine/index.ts';
import { loadScenario } from '../../src/node/load.ts';
import {
  contour,
  equilibriumSycophancy,
  phaseGrid,
  phaseMapSpec,
} from '../../src/web/phase-map.ts';
import { renderSvg } from '../../src/node/render.ts';
import { createSimulator } from '../../src/web/simulation.ts';
import {
  chartSpec,
  CHARTS,
  crossingStep,
  fixStepDomain,
  keyMoments,
  phaseMapCaveat,
  situationLabels,
  type ViewInput,
} from '../../src/web/views.ts';

const update = loadScenario('scenarios/april-2025-update.yaml');

describe('equilibrium sycophancy', () => {
  it("equals the natural trainer's converged eval/sycophancy (the tilt is where it ends)", () => {
    const long = loadScenario('scenarios/april-2025-update.yaml', { steps: 3000 }).world;
    const final = simulate(long).final['eval/sycophancy'];
    expect(equilibriumSycophancy(long, long.mix.weights)).toBeCloseTo(final, 6);
  });

  it('is eval/sycophancy of tiltOptimum at the normalized mix', () => {
    const w = update.world;
    const pi = tiltOptimum(
      mixedReward(w, effectiveWeights(w, 0)),
      w.referenceLogProbs,
      w.actions.length,
      w.beta,
    );
    const syc = w.features.sycophantic;
    let s = 0;
    w.sets.sycophancy.forEach((q, c) => {
      for (let a = 0; a < w.actions.length; a++)
        s += q * pi[c * w.actions.length + a] * syc[c * w.actions.length + a];
    });
    expect(equilibriumSycophancy(w, w.mix.weights)).toBeCloseTo(s, 14);
    const zero = new Float64Array(w.mix.weights.length);
    expect(equilibriumSycophancy(w, zero)).toBeNaN();
  });
});

describe('phase grid and contour', () => {
  const g = phaseGrid(update.world, 'thumbs', 'spec', { xMax: 5, yMax: 5, n: 12 });

  it('has cell centres and grows with thumbs, falls with spec', () => {
    expect(g.xs[0]).toBeCloseTo(5 / 24, 12);
    expect(g.values.length).toBe(144);
    const at = (i: number, j: number) => g.values[j * 12 + i];
    expect(at(11, 5)).toBeGreaterThan(at(0, 5));
    expect(at(5, 11)).toBeLessThan(at(5, 0));
  });

  it('puts contour points where the interpolated grid equals the level', () => {
    const level = 0.1;
    const segs = contour(g, level);
    expect(segs.length).toBeGreaterThan(5);
    // Each end lies on a cell edge; the equilibrium there (exact, not interpolated) is near the level.
    for (const s of segs.slice(0, 6)) {
      const w = update.world.mix.weights.slice();
      w[2] = s.x1;
      w[1] = s.y1;
      expect(Math.abs(equilibriumSycophancy(update.world, w) - level)).toBeLessThan(0.03);
    }
    expect(contour(g, 10)).toEqual([]);
  });

  it('builds a spec with the heatmap, the contour and the current mix', () => {
    const spec = phaseMapSpec({
      grid: g,
      level: 0.1,
      current: { x: 2.5, y: 2, value: 0.18 },
      xTitle: 'thumbs',
      yTitle: 'spec',
    }) as any;
    expect(spec.data.values).toHaveLength(144);
    expect(spec.layer.map((l: any) => l.mark.type)).toEqual([
      'rect',
      'rule',
      'rule',
      'point',
      'text',
      'text',
    ]);
    expect(spec.layer[3].data.values[0]).toMatchObject({ x: 2.5, y: 2, label: 'your mix' });
  });

  it('draws each cell half a pixel over its neighbours (no seams), filling the plot to its edges', async () => {
    const width = 300;
    const height = 220;
    const spec = phaseMapSpec(
      {
        grid: g,
        level: 0.1,
        current: { x: 2.5, y: 2, value: 0.18 },
        xTitle: 'thumbs',
        yTitle: 'spec',
      },
      { width, height },
    );
    const svg = await renderSvg(spec);
    const group = svg.slice(svg.indexOf('class="mark-rect role-mark'));
    const cells = [
      ...group
        .slice(0, group.indexOf('</g>'))
        .matchAll(/d="M([\d.-]+),([\d.-]+)h([\d.]+)v([\d.]+)/g),
    ].map((m) => ({ x: +m[1], y: +m[2], w: +m[3], h: +m[4] }));
    expect(cells).toHaveLength(144);
    const rows = new Map<number, typeof cells>();
    for (const c of cells) rows.set(c.y, [...(rows.get(c.y) ?? []), c]);
    expect(rows.size).toBe(12);
    // The grid spans the plot: no empty strip past the last column or above the top row.
    expect(Math.min(...cells.map((c) => c.x))).toBeCloseTo(0, 6);
    expect(Math.max(...cells.map((c) => c.x + c.w))).toBeCloseTo(width, 6);
    expect(Math.min(...cells.map((c) => c.y))).toBeCloseTo(0, 6);
    expect(Math.max(...cells.map((c) => c.y + c.h))).toBeCloseTo(height, 6);
    for (const row of rows.values()) {
      row.sort((a, b) => a.x - b.x);
      for (let i = 0; i + 1 < row.length; i++) {
        const overlap = row[i].x + row[i].w - row[i + 1].x;
        expect(overlap).toBeGreaterThan(0.45);
        expect(overlap).toBeLessThan(0.55);
      }
    }
    // rows too: each cell reaches half a pixel into the row above it (y grows downwards)
    const ys = [...rows.keys()].sort((a, b) => a - b);
    for (let i = 0; i + 1 < ys.length; i++) {
      const upper = rows.get(ys[i])![0];
      expect(ys[i + 1] - (upper.y + upper.h)).toBeLessThan(-0.45);
      expect(ys[i + 1] - (upper.y + upper.h)).toBeGreaterThan(-0.55);
    }
  });
});

describe('views', () => {
  const sim = createSimulator(() => 0).simulate(update.raw, []);

  it('key moments: the pull up overtakes at step 0, the threshold is crossed later', () => {
    const m = keyMoments(sim.result.trajectory, sim.world, sim.threshold);
    expect(m.map((x) => x.kind)).toEqual(['overtake', 'threshold']);
    const cross = crossingStep(sim.result.trajectory, 'eval/sycophancy', sim.threshold)!;
    const col = sim.result.trajectory.values['eval/sycophancy'];
    const i = sim.result.trajectory.steps.indexOf(cross);
    expect(col[i]).toBeGreaterThan(sim.threshold!);
    expect(col[i - 1]).toBeLessThanOrEqual(sim.threshold!);
    expect(m[1].step).toBe(cross);
    expect(m[0].text).toContain('thumbs + memory');
  });

  it('builds every chart, and fixes the step axis in play mode', () => {
    const v = {
      sim,
      trajectory: sim.result.trajectory,
      policy: sim.result.finalPolicy,
      playedSteps: null,
      comparison: null,
      map: ['thumbs', 'spec'] as [string, string],
      mapMax: [5, 5] as [number, number],
      labels: { x: 'thumbs', y: 'spec' },
      theme: { title: false },
      widths: { narrow: 300, wide: 600, heatmap: 500, card: 390 },
    };
    for (const c of CHARTS) expect(chartSpec(c.id, v), c.id).toHaveProperty('$schema');
    const fixed = JSON.stringify(fixStepDomain(chartSpec('drift', v), 300));
    expect(fixed).toContain('"domain":[0,300]');
    expect(phaseMapCaveat(sim.world)).toBe('');
  });

  it('marks memory-on situations at the start of their labels: the heatmap rows stay distinct', async () => {
    const labels = situationLabels(sim.world, sim.scenario);
    expect(new Set(labels).size).toBe(labels.length);
    // The axis cuts a long label at its end ("…"): the rows as drawn must still differ.
    const v = {
      sim,
      trajectory: sim.result.trajectory,
      policy: sim.result.finalPolicy,
      playedSteps: null,
      comparison: null,
      map: ['thumbs', 'spec'] as [string, string],
      mapMax: [5, 5] as [number, number],
      labels: { x: 'thumbs', y: 'spec' },
      theme: { title: false, height: 220, fontSize: 12 },
      widths: { narrow: 300, wide: 600, heatmap: 480, card: 390 },
    };
    const svg = await renderSvg(chartSpec('policy-heatmap', v));
    const drawn = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m.pop()!);
    const rows = drawn.filter((t) => /^(memory on · )?(user|coding)/.test(t));
    expect(rows.some((t) => t.endsWith('…'))).toBe(true); // some are cut
    expect(rows).toHaveLength(labels.length);
    expect(new Set(rows).size).toBe(rows.length);
    expect(labels.filter((l) => l.startsWith('memory on'))).toHaveLength(labels.length / 2);
  });

  it('gives every dashboard panel a y range with room above its top line, flat series too', () => {
    const baseline = loadScenario('scenarios/baseline.yaml');
    const flat = createSimulator(() => 0).simulate(baseline.raw, []);
    const v: ViewInput = {
      sim: flat,
      trajectory: flat.result.trajectory,
      policy: flat.result.finalPolicy,
      playedSteps: null,
      comparison: null,
      map: ['thumbs', 'spec'],
      mapMax: [5, 5],
      labels: { x: 'thumbs', y: 'spec' },
      theme: { title: false },
      widths: { narrow: 300, wide: 600, heatmap: 500, card: 390 },
    };
    const spec = chartSpec('dashboard', v) as any;
    const values = flat.result.trajectory.values;
    expect(spec.hconcat).toHaveLength(3);
    for (const panel of spec.hconcat) {
      const key = panel.transform[0].filter.equal as string;
      const col = Array.from(values[key]);
      const [lo, hi] = panel.layer[0].encoding.y.scale.domain as number[];
      // The baseline stands still: its accuracy is one value throughout.
      if (key === 'eval/accuracy') expect(Math.max(...col) - Math.min(...col)).toBe(0);
      expect(lo, key).toBeLessThan(Math.min(...col));
      expect(hi, key).toBeGreaterThan(Math.max(...col));
      expect(hi - Math.max(...col), key).toBeGreaterThan((hi - lo) / 20);
      if (key === 'eval/sycophancy') expect(lo).toBe(0);
    }
  });
});
