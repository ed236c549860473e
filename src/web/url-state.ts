/**
 * The explorer's whole state in the URL, so a link reproduces the view (as TensorFlow
 * Playground does). Pure encode/decode, tested in test/web/url-state.test.ts.
 *
 *     #preset=april-2025-update&thumbs=2.5&…&seed=1&map=thumbs,spec&hide=beta,trainer
 *
 * - `preset`: the scenario the controls start from;
 * - one `id=value` per control, in the controls' order (every control, the seed included);
 * - `map=x,y`: the two weights on the phase map's axes;
 * - `hide=a,b` hides controls (ids) or whole groups/panels (a teacher's link); `only=a,b`
 *   shows only those controls.
 *
 * Decoding is in two steps because the controls depend on the preset: `parseQuery` reads the
 * text, then `resolveValues` checks each value against the preset's controls.
 */
import { formatValue, parseValue, type ControlDef, type ControlValue } from './controls.ts';

export interface ExplorerState {
  preset: string;
  /** Control values by id. */
  values: Record<string, ControlValue>;
  /** The phase map's axes: two weight control ids, or null for the default. */
  map: [string, string] | null;
  /** Hidden control ids, group ids or panel ids. */
  hide: string[];
  /** When non-empty, only these controls are shown. */
  only: string[];
}

/** The query as read from the URL, before it is checked against the controls. */
export interface ParsedQuery {
  preset: string | null;
  /** Every other key with its raw text, in order. */
  entries: [string, string][];
  map: [string, string] | null;
  hide: string[];
  only: string[];
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Characters left as they are in keys and values (readable links); the rest are %-escaped. */
function escape(text: string): string {
  return encodeURIComponent(text).replace(/%2C/gi, ',');
}

/** The URL fragment (without `#`) for a state. Keys in a stable order. */
export function encodeState(state: ExplorerState, controls: ControlDef[]): string {
  const parts: string[] = [`preset=${escape(state.preset)}`];
  for (const c of controls) {
    if (c.id in state.values)
      parts.push(`${escape(c.id)}=${escape(formatValue(state.values[c.id]))}`);
  }
  if (state.map) parts.push(`map=${escape(state.map.join(','))}`);
  if (state.hide.length) parts.push(`hide=${escape(state.hide.join(','))}`);
  if (state.only.length) parts.push(`only=${escape(state.only.join(','))}`);
  return parts.join('&');
}

/** Reads a query string or fragment (`#…`, `?…` or bare); later keys win. */
export function parseQuery(text: string): ParsedQuery {
  const body = text.replace(/^[#?]/, '');
  const out: ParsedQuery = { preset: null, entries: [], map: null, hide: [], only: [] };
  const seen = new Map<string, number>();
  for (const part of body.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' ')).trim();
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      continue; // a malformed %-escape: ignore the pair
    }
    if (!key) continue;
    if (key === 'preset') out.preset = value.trim() || null;
    else if (key === 'hide') out.hide = [...out.hide, ...list(value)];
    else if (key === 'only') out.only = [...out.only, ...list(value)];
    else if (key === 'map') {
      const [x, y] = list(value);
      out.map = x && y && x !== y ? [x, y] : null;
    } else {
      const i = seen.get(key);
      if (i !== undefined) out.entries[i] = [key, value];
      else {
        seen.set(key, out.entries.length);
        out.entries.push([key, value]);
      }
    }
  }
  return out;
}

/** The merged query of a page URL: the `?search` part first, then the `#fragment` over it. */
export function parseLocation(search: string, hash: string): ParsedQuery {
  const a = parseQuery(search);
  const b = parseQuery(hash);
  const entries = new Map(a.entries);
  for (const [k, v] of b.entries) entries.set(k, v);
  return {
    preset: b.preset ?? a.preset,
    entries: [...entries],
    map: b.map ?? a.map,
    hide: [...new Set([...a.hide, ...b.hide])],
    only: [...new Set([...a.only, ...b.only])],
  };
}

/**
 * The control values a query sets, checked against the controls: unknown keys and bad values
 * are reported in `problems` and otherwise ignored (the preset's value stays).
 */
export function resolveValues(
  q: ParsedQuery,
  controls: ControlDef[],
): { values: Record<string, ControlValue>; problems: string[] } {
  const byId = new Map(controls.map((c) => [c.id, c]));
  const values: Record<string, ControlValue> = {};
  const problems: string[] = [];
  for (const [key, text] of q.entries) {
    const c = byId.get(key);
    if (!c) {
      problems.push(`unknown setting "${key}" in the link (ignored)`);
      continue;
    }
    const r = parseValue(c, text);
    if ('error' in r) problems.push(`${r.error} (ignored)`);
    else values[key] = r.value;
  }
  return { values, problems };
}
