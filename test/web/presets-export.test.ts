// Presets come from the shipped files (merged by the Node loader, as the vite plugin does); a
// missing "change alone" file is derived from the baseline and the update and equals the file
// the lead ships. The exported YAML is self-contained and compiles to the page's world.
import { describe, expect, it } from 'vitest';
import { shippedScenarios } from '../../src/node/explorer-build.ts';
import { parseScenarioText } from '../../src/node/load.ts';
import { compileScenario, normalizeScenario } from '../../src/scenario/compile.ts';
import { applySets } from '../../src/scenario/set.ts';
import { exportFileName, scenarioYaml } from '../../src/web/export.ts';
import { buildPresets, declaredParams, humanize } from '../../src/web/presets.ts';

const shipped = shippedScenarios();
const world = (raw: Record<string, unknown>) => compileScenario(normalizeScenario(raw, 'x'), 'x');

describe('presets', () => {
  it('lists the issue presets first, from the shipped files, then any other file', () => {
    const presets = buildPresets(shipped);
    const ids = presets.map((p) => p.id);
    expect(ids.slice(0, 2)).toEqual(['baseline', 'april-2025-update']);
    for (const s of shipped) expect(ids).toContain(s.id);
    const update = presets.find((p) => p.id === 'april-2025-update')!;
    expect(update.source).toBe('scenarios/april-2025-update.yaml');
    expect(update.raw.extends).toBeUndefined();
    expect(update.raw).toEqual(shipped.find((s) => s.id === 'april-2025-update')!.raw);
  });

  it('derives each change alone from baseline + the update when its file is absent', () => {
    const base = shipped.filter((s) => s.id === 'baseline' || s.id === 'april-2025-update');
    const derived = buildPresets(base);
    expect(derived.map((p) => p.id)).toEqual([
      'baseline',
      'april-2025-update',
      'thumbs-only',
      'memory-only',
      'fresher-data-only',
    ]);
    expect(derived[2].source).toBe('scenarios/baseline.yaml with mix.weights.thumbs=2.5');
    // Where the file is shipped, the derived preset compiles to the same world (the raw data
    // differ only in how a param is written: {value: 1, …} here, a bare 1 in the file).
    for (const p of derived.slice(2)) {
      const file = shipped.find((s) => s.id === p.id);
      if (!file) continue;
      expect({ ...world(p.raw), name: '' }).toEqual({ ...world(file.raw), name: '' });
    }
  });

  it('collects declared params with their bounds and docs', () => {
    const d = declaredParams(shipped);
    expect(d.approvalBias).toMatchObject({ min: 0, max: 3 });
    expect(d.approvalBias.doc).toMatch(/thumbs up/);
    expect(humanize('linear-generalization')).toBe('Linear generalization');
  });
});

describe('scenario YAML export', () => {
  const update = shipped.find((s) => s.id === 'april-2025-update')!.raw;
  const sets = ['mix.weights.thumbs=1.05', 'beta=0.0712', 'params.approvalBias=1.3'];
  const raw = applySets(update, sets);
  const text = scenarioYaml({
    raw,
    preset: 'april-2025-update',
    changes: sets,
    link: 'http://127.0.0.1:1/#x',
  });

  it('is self-contained, says where it came from, and parses back to the same raw scenario', () => {
    expect(text).not.toMatch(/^extends:/m);
    expect(text).toMatch(/^# Preset: april-2025-update, with:$/m);
    expect(text).toMatch(/^#   --set beta=0\.0712$/m);
    expect(parseScenarioText(text, 'export.yaml')).toEqual(raw);
  });

  it('compiles to the same world as the page (numbers round-trip exactly)', () => {
    expect(world(parseScenarioText(text, 'export.yaml'))).toEqual(world(raw));
  });

  it('names files after the preset and the changes', () => {
    expect(exportFileName('baseline', [], 'yaml')).toBe('baseline.yaml');
    const a = exportFileName('baseline', ['beta=0.1'], 'yaml');
    expect(a).toMatch(/^baseline-[0-9a-f]{6}\.yaml$/);
    expect(exportFileName('baseline', ['beta=0.2'], 'yaml')).not.toBe(a);
  });
});
