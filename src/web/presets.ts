/**
 * The explorer's presets, made from the shipped scenario files at build time (the vite plugin in
 * src/node/explorer-build.ts resolves `extends` with the Node loader and hands over the merged
 * raw scenarios). A preset whose file is not shipped is derived from the files that are: "each
 * change alone" is the baseline plus that change's values read from the April update.
 * Pure: no DOM.
 */
import { applySets } from '../scenario/set.ts';
import { readPath, type ParamDecl } from './controls.ts';

export interface ShippedScenario {
  id: string;
  file: string;
  raw: Record<string, unknown>;
}

export interface Preset {
  id: string;
  label: string;
  /** One line under the preset's name. */
  blurb: string;
  /** The merged raw scenario (no `extends`). */
  raw: Record<string, unknown>;
  /** Where it comes from: a file, or a file plus overrides. */
  source: string;
}

interface PresetDef {
  id: string;
  label: string;
  blurb: string;
  /** For a preset with no file of its own: the base scenario and the paths the update changes. */
  derive?: { base: string; from: string; paths: string[] };
}

/** The presets the issue asks for, in menu order. */
const PRESETS: PresetDef[] = [
  { id: 'baseline', label: 'Baseline', blurb: 'the mainline mix: correctness + model spec' },
  {
    id: 'april-2025-update',
    label: 'April 2025 update',
    blurb: '+ thumbs reward, memory and fresher data, all at once',
  },
  {
    id: 'thumbs-only',
    label: 'Thumbs only',
    blurb: 'the baseline plus only the thumbs reward',
    derive: { base: 'baseline', from: 'april-2025-update', paths: ['mix.weights.thumbs'] },
  },
  {
    id: 'memory-only',
    label: 'Memory only',
    blurb: 'the baseline plus only memory and its reward',
    derive: {
      base: 'baseline',
      from: 'april-2025-update',
      paths: ['memory.share', 'mix.weights.memory'],
    },
  },
  {
    id: 'fresher-data-only',
    label: 'Fresher data only',
    blurb: 'the baseline plus only the fresher prompt mix',
    derive: { base: 'baseline', from: 'april-2025-update', paths: ['params.fresherShift'] },
  },
  {
    id: 'constrained-fix',
    label: 'Constrained fix',
    blurb: 'the update with a bound on sycophancy (Lagrange multipliers)',
  },
];

/** The presets available from these shipped scenarios: the list, then any other file. */
export function buildPresets(shipped: ShippedScenario[]): Preset[] {
  const byId = new Map(shipped.map((s) => [s.id, s]));
  const out: Preset[] = [];
  for (const def of PRESETS) {
    const file = byId.get(def.id);
    if (file) {
      out.push({ ...def, raw: file.raw, source: file.file });
      continue;
    }
    const d = def.derive;
    const base = d && byId.get(d.base);
    const from = d && byId.get(d.from);
    if (!d || !base || !from) continue;
    const sets = d.paths
      .map((p) => [p, readPath(from.raw, p)] as const)
      .filter(([, v]) => v !== undefined)
      .map(([p, v]) => `${p}=${v}`);
    out.push({
      id: def.id,
      label: def.label,
      blurb: def.blurb,
      raw: { ...applySets(base.raw, sets), name: def.id },
      source: `${base.file} with ${sets.join(', ')}`,
    });
  }
  const listed = new Set(PRESETS.map((p) => p.id));
  for (const s of shipped) {
    if (listed.has(s.id)) continue;
    out.push({
      id: s.id,
      label: humanize(typeof s.raw.name === 'string' ? s.raw.name : s.id),
      blurb: typeof s.raw.description === 'string' ? s.raw.description : '',
      raw: s.raw,
      source: s.file,
    });
  }
  return out;
}

/** Bounds and docs of every param some shipped scenario declares as {value, min, max, doc}. */
export function declaredParams(shipped: ShippedScenario[]): Record<string, ParamDecl> {
  const out: Record<string, ParamDecl> = {};
  for (const s of shipped) {
    const params = s.raw.params;
    if (!params || typeof params !== 'object') continue;
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
      if (v && typeof v === 'object' && typeof (v as ParamDecl).value === 'number')
        out[k] ??= v as ParamDecl;
    }
  }
  return out;
}

/** `linear-generalization` → `Linear generalization`. */
export function humanize(name: string): string {
  const s = name.replace(/[-_]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
