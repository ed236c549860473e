// What each builder puts in its spec: the data, the markers and the computed annotations.
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deploymentTimelineSpec,
  driftSpec,
  coincident,
  dashboardSpec,
  spanDomain,
  effectiveWeightsSpec,
  launchReviewSpec,
  mainData,
  policyHeatmapSpec,
  pullOvertakeStep,
  rewardDecompositionSpec,
  runRows,
  stackRows,
  toCsv,
  tugOfWarSpec,
  type RunInput,
  type Row,
} from '../../src/charts/index.ts';
import { trajectoryRows } from '../../src/engine/index.ts';
import { CONTEXTS, deployment, fixtureRuns, REVIEWS, runInputs } from './fixtures.ts';

let runs: RunInput[];
beforeAll(() => {
  runs = runInputs();
});
const byName = (n: string) => runs.find((r) => r.name === n)!;

describe('run data', () => {
  it('accepts a trajectory or long MetricRow[] alike', () => {
    const tr = byName('update');
    const rows = trajectoryRows(fixtureRuns()[2].result.trajectory);
    const asRows: RunInput = { name: 'update', trajectory: rows };
    expect(driftSpec({ runs: [asRows] })).toEqual(driftSpec({ runs: [tr] }));
    expect(tugOfWarSpec({ runs: [asRows] })).toEqual(tugOfWarSpec({ runs: [tr] }));
    expect(runRows(asRows, (k) => k === 'eval/sycophancy')).toHaveLength(31);
  });

  it('splits a series that changes sign into an up part and a down part', () => {
    const rows = stackRows('r', 's', [
      { step: 0, value: 2 },
      { step: 1, value: -1 },
    ]);
    expect(rows.map((r) => [r.step, r.side, r.stacked])).toEqual([
      [0, 'up', 2],
      [0, 'down', 0],
      [1, 'up', 0],
      [1, 'down', -1],
    ]);
    expect(stackRows('r', 's', [{ step: 0, value: -3 }])[0].side).toBe('down');
  });
});

describe('drift', () => {
  it('has one row per run and step, and the threshold rule only when asked', () => {
    const spec = driftSpec({ runs, threshold: 0.15 }) as any;
    expect(mainData(spec)).toHaveLength(3 * 31);
    const rules = spec.layer.filter((l: any) => l.mark.type === 'rule');
    expect(rules).toHaveLength(1);
    expect(rules[0].data.values[0].threshold).toBe(0.15);
    const none = driftSpec({ runs }) as any;
    expect(none.layer.some((l: any) => l.mark.type === 'rule')).toBe(false);
  });
});

describe('drift: a run that lies on another', () => {
  const flat = (name: string, value: number): RunInput => ({
    name,
    trajectory: [0, 1, 2].map((step) => ({ step, key: 'eval/sycophancy', value })),
  });
  const rising: RunInput = {
    name: 'update',
    trajectory: [0, 1, 2].map((step) => ({
      step,
      key: 'eval/sycophancy',
      value: 0.02 + 0.08 * step,
    })),
  };

  it('is drawn dashed over it, shown dashed in the one legend, and named in the subtitle', () => {
    // 0.0002 apart on an axis of 0–0.18 drawn 300 px high: closer than the line's width.
    const spec = driftSpec({
      runs: [flat('baseline', 0.0241), rising, flat('fresher', 0.0243)],
    }) as any;
    const dash = spec.layer[0].encoding.strokeDash;
    expect(dash.scale).toEqual({
      domain: ['baseline', 'update', 'fresher'],
      range: [
        [1, 0],
        [1, 0],
        [7, 5],
      ],
    });
    expect(dash.title).toBe(spec.layer[0].encoding.color.title);
    expect(spec.title.subtitle).toBe('fresher lies on baseline (drawn dashed over it)');
    expect(
      coincident(['baseline', 'update', 'fresher'], mainData(spec) as Row[], 2.2 / 300),
    ).toEqual(new Map([['fresher', 'baseline']]));
  });

  it('is not, when the lines are apart by more than a line width', () => {
    const spec = driftSpec({
      runs: [flat('baseline', 0.0241), rising, flat('fresher', 0.03)],
    }) as any;
    expect(spec.layer[0].encoding.strokeDash).toBeUndefined();
    expect(spec.title).toBe('Sycophancy drift during training');
  });
});

describe('dashboard', () => {
  const panel = (key: string) => ({ key, title: key, span: 0.1 });
  const rows = (key: string, values: number[]) => values.map((value) => ({ metric: key, value }));

  it('gives a rate panel an axis of at least its span, so a fall of 0.0009 is not a collapse', () => {
    // The update's accuracy falls 0.8909 → 0.8900: zoomed to the data, it would fill the panel.
    expect(spanDomain(rows('a', [0.8909, 0.89]), panel('a'))).toEqual([0.84, 0.94]);
    // A flat series (the baseline) gets a real axis, not one tick.
    expect(spanDomain(rows('a', [0.6944, 0.6944]), panel('a'))).toEqual([0.64, 0.74]);
    // Never below zero when the data are not; a wide range keeps the data's own axis.
    expect(spanDomain(rows('a', [0.01, 0.02]), panel('a'))).toEqual([0, 0.1]);
    expect(spanDomain(rows('a', [0.2, 0.5]), panel('a'))).toBeUndefined();
    expect(spanDomain(rows('b', [0.2]), panel('a'))).toBeUndefined();
  });

  it('sets those axes in the spec, and keeps sycophancy from zero', () => {
    const spec = dashboardSpec({ runs }) as any;
    const scales = spec.hconcat.map((p: any) => p.layer[0].encoding.y.scale);
    expect(scales[0]).toMatchObject({ zero: false, nice: false });
    expect(scales[0].domain[1] - scales[0].domain[0]).toBeGreaterThanOrEqual(0.1 - 1e-12);
    expect(scales[2]).toEqual({ zero: true });
  });
});

describe('tug-of-war', () => {
  it('finds the step where the pull up overtakes the spec signal, and none in the baseline', () => {
    expect(pullOvertakeStep(byName('update'))).toBe(20);
    expect(pullOvertakeStep(byName('baseline'))).toBeNull();
  });

  it('marks that step in the data, with KL and the net as their own series', () => {
    const rows = mainData(tugOfWarSpec({ runs: [byName('baseline'), byName('update')] }));
    const marked = rows.filter((r) => r.annotation != null);
    expect(marked).toEqual([
      expect.objectContaining({
        run: 'update',
        step: 20,
        annotation: 'pull up overtakes spec at step 20',
      }),
    ]);
    const forces = new Set(rows.map((r) => r.force));
    expect([...forces].sort()).toEqual(
      ['KL penalty', 'correctness', 'memory', 'net push (pressure/total)', 'spec', 'thumbs'].sort(),
    );
  });

  it('recomputes the overtake from the definition: Σ positive other pressures > |spec|', () => {
    const tr = fixtureRuns()[2].result.trajectory;
    const v = tr.values;
    const i = tr.steps.indexOf(20);
    const up = (j: number) =>
      ['thumbs', 'memory', 'correctness'].reduce(
        (s, k) => s + Math.max(0, v[`pressure/${k}`][j]),
        0,
      );
    expect(up(i)).toBeGreaterThan(Math.abs(v['pressure/spec'][i]));
    expect(up(i - 1)).toBeLessThanOrEqual(Math.abs(v['pressure/spec'][i - 1]));
  });
});

describe('tug-of-war: least extent', () => {
  const yDomain = async (spec: unknown) => {
    const view = new View(parse(compile(spec as never).spec), { renderer: 'none' });
    await view.runAsync();
    return view.scale('y').domain() as number[];
  };

  it('keeps a run with tiny pushes flat instead of scaling them up to fill the panel', async () => {
    // Pushes of about 1e-6 per step, as the shipped baseline's.
    const base: RunInput = {
      name: 'baseline',
      trajectory: [0, 1, 2].flatMap((step) =>
        [
          ['pressure/spec', -2e-6],
          ['pressure/thumbs', 1e-6],
          ['pressure/kl', 1e-6],
          ['pressure/total', 0],
        ].map(([key, value]) => ({ step, key: key as string, value: value as number })),
      ),
    };
    const own = await yDomain(tugOfWarSpec({ runs: [base] }));
    expect(Math.max(...own.map(Math.abs))).toBeLessThan(1e-4); // the baseline's own extent
    const floored = await yDomain(tugOfWarSpec({ runs: [base], minExtent: 1e-3 }));
    expect(floored[0]).toBeLessThanOrEqual(-1e-3);
    expect(floored[1]).toBeGreaterThanOrEqual(1e-3);
    // A run that moves more than the least extent keeps its own axis.
    const upd = await yDomain(tugOfWarSpec({ runs: [byName('update')], minExtent: 1e-9 }));
    expect(upd).toEqual(await yDomain(tugOfWarSpec({ runs: [byName('update')] })));
  });
});

describe('reward decomposition', () => {
  it('stacks every signal and draws reward/mixed as the sum', () => {
    const rows = mainData(rewardDecompositionSpec({ runs: [byName('update')] }));
    const at = (step: number) => rows.filter((r) => r.step === step);
    const last = at(30);
    const parts = last.filter((r) => r.signal !== 'mixed reward (sum)');
    const mixed = last.find((r) => r.signal === 'mixed reward (sum)')!;
    const sum = parts.reduce((s, r) => s + (r.stacked as number), 0);
    expect(sum).toBeCloseTo(mixed.value as number, 5);
  });
});

describe('effective weights', () => {
  it("gives each mix's shares summing to 1 and shows the spec's dilution", () => {
    const spec = effectiveWeightsSpec({
      mixes: [
        { name: 'baseline', weights: { spec: 0.7, correctness: 0.3 } },
        { name: 'update', weights: { spec: 0.7, correctness: 0.3, thumbs: 0.5, memory: 0.5 } },
      ],
    });
    const rows = mainData(spec);
    for (const mix of ['baseline', 'update']) {
      const shares = rows.filter((r) => r.mix === mix).map((r) => r.share as number);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    const spec2 = (m: string) => rows.find((r) => r.mix === m && r.signal === 'spec')!.share;
    expect(spec2('baseline')).toBeCloseTo(0.7, 6);
    expect(spec2('update')).toBeCloseTo(0.35, 6);
  });
});

describe('launch review', () => {
  it('shows a check one process lacks as "absent", and the verdicts in the column labels', () => {
    const rows = mainData(launchReviewSpec({ reviews: REVIEWS }));
    const syc = rows.filter((r) => r.metric === 'sycophancy (sycophantic)');
    expect(syc.map((r) => [r.process, r.result, r.stage])).toEqual([
      ['2025-04', 'absent', 'behaviour evals'],
      ['revised', 'block', 'behaviour evals'],
    ]);
    expect(new Set(rows.map((r) => r.column))).toEqual(
      new Set(['2025-04: SHIP', 'revised: BLOCK']),
    );
  });

  it('can leave out checks, e.g. the per-tester rows', () => {
    const all = mainData(launchReviewSpec({ reviews: REVIEWS }));
    const some = mainData(
      launchReviewSpec({ reviews: REVIEWS, include: (c) => !/^tester-/.test(c.metric) }),
    );
    expect(all.length - some.length).toBe(2);
    expect(some.some((r) => r.result === 'flag')).toBe(false);
  });

  it('lists in its legend only the results that appear, and widens its cells for a large font', () => {
    const spec = (include: (c: { metric: string }) => boolean, fontSize = 12) =>
      launchReviewSpec({ reviews: REVIEWS, include }, { fontSize, width: 300 }) as any;
    const some = spec((c) => !/^tester-/.test(c.metric));
    const shown = new Set(mainData(some).map((r) => r.result));
    expect(some.layer[0].encoding.color.scale.domain).toEqual(
      ['pass', 'advisory', 'flag', 'fail', 'block', 'absent'].filter((r) => shown.has(r)),
    );
    expect(some.layer[0].encoding.color.scale.domain).not.toContain('flag');
    // "revised: BLOCK" in bold at 20 px is about 200 px wide: the cells must be wider than that.
    expect(spec(() => true, 20).width.step).toBeGreaterThan(14 * 0.62 * 20);
    expect(spec(() => true, 12).width.step).toBe(150);
  });
});

describe('deployment timeline', () => {
  it('has one row per series, hour and measure, and stacks close event labels', () => {
    const input = deployment();
    const spec = deploymentTimelineSpec(input) as any;
    expect(mainData(spec)).toHaveLength(2 * 25 * 3);
    const events = spec.vconcat[0].data.values;
    expect(events.map((e: any) => e.label)).toEqual([
      'launch',
      'detection',
      'system-prompt patch',
      'rollback start',
      'rollback complete',
    ]);
    // The patch label is too close to detection's to share its line; the last label would run
    // past the end of the axis, so it sits left of its rule.
    const at = (l: string) => events.find((e: any) => e.label === l);
    expect(at('system-prompt patch').level).not.toBe(at('detection').level);
    expect(at('rollback complete').align).toBe('right');
    expect(at('launch').align).toBe('left');
  });
});

describe('policy heatmap', () => {
  it('has one cell per policy, situation and style, and rejects a wrong-sized table', () => {
    const [a, , b] = fixtureRuns();
    const input = {
      contexts: a.world.contexts,
      actions: a.world.actions,
      policies: [
        { name: 'baseline', probabilities: a.result.finalPolicy },
        { name: 'update', probabilities: b.result.finalPolicy },
      ],
    };
    expect(mainData(policyHeatmapSpec(input))).toHaveLength(2 * 6 * 6);
    expect(() =>
      policyHeatmapSpec({ ...input, policies: [{ name: 'x', probabilities: [0.5, 0.5] }] }),
    ).toThrow(/expected 6·6 = 36 probabilities, got 2/);
    expect(CONTEXTS).toHaveLength(6);
  });
});

describe('csv', () => {
  it('quotes what needs quoting and leaves missing cells empty', () => {
    expect(
      toCsv([
        { a: 1, b: 'x,y' },
        { a: null, c: 'say "hi"' },
      ]),
    ).toBe('a,b,c\n1,"x,y",\n,,"say ""hi"""\n');
  });
});
