/**
 * The scenario as a self-contained YAML file: the preset's merged raw scenario (no `extends`)
 * with the controls' overrides applied, so `rewardmix run <file>` reproduces the page's numbers.
 * Pure (the page turns the text into a download).
 */
import { stringify } from 'yaml';

export interface YamlExportInput {
  /** The raw scenario the page simulates (preset raw + overrides already applied). */
  raw: Record<string, unknown>;
  preset: string;
  /** The overrides that differ from the preset, as `--set` arguments (for the header). */
  changes: string[];
  /** The link that reproduces the view. */
  link?: string;
}

/** YAML text with a header saying where it came from and how to run it. */
export function scenarioYaml(input: YamlExportInput): string {
  const header = [
    '# Exported from the rewardmix explorer: a self-contained scenario (no `extends`).',
    `# Preset: ${input.preset}${input.changes.length ? ', with:' : ' (unchanged)'}`,
    ...input.changes.map((c) => `#   --set ${c}`),
    ...(input.link ? [`# View: ${input.link}`] : []),
    '# Reproduce the numbers: rewardmix run <this file>',
    '',
  ];
  return header.join('\n') + stringify(input.raw, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** A file name for the scenario: the preset and a short hash of the changes. */
export function exportFileName(preset: string, changes: string[], ext: string): string {
  let h = 0x811c9dc5;
  for (const ch of changes.join('\n')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const tag = changes.length ? `-${h.toString(16).padStart(8, '0').slice(0, 6)}` : '';
  return `${preset}${tag}.${ext}`;
}
