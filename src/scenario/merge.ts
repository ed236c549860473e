/**
 * Deep merge for `extends`: objects merge field by field, lists of objects with an `id` merge by
 * id (entries with a new id are appended), other lists and values replace, and `null` removes a
 * field. So "the April update" reads as "baseline plus three changes".
 */

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function byId(list: unknown[]): boolean {
  return list.length > 0 && list.every((x) => isObject(x) && typeof x.id === 'string');
}

/** `over` merged onto `base` (neither is modified). */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base);
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = structuredClone(base);
    for (const [k, v] of Object.entries(over)) {
      if (v === null) delete out[k];
      else out[k] = deepMerge(base[k], v);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over) && byId(base) && byId(over)) {
    const out = structuredClone(base) as Record<string, unknown>[];
    for (const item of over as Record<string, unknown>[]) {
      const i = out.findIndex((x) => x.id === item.id);
      if (i >= 0) out[i] = deepMerge(out[i], item) as Record<string, unknown>;
      else out.push(structuredClone(item));
    }
    return out;
  }
  return structuredClone(over);
}
