/**
 * Drawing chart specs with vega-embed (bundled; no network) and exporting them. A chart whose
 * spec keeps its shape (everything but the top-level data) gets its data swapped in place,
 * which is much faster than embedding again; anything else is re-embedded. Renders run one at
 * a time and only the newest spec of each chart is drawn, so dragging a slider never queues up
 * stale work.
 */
import embed, { vega, vegaLite, type Result } from 'vega-embed';
import type { Spec } from '../charts/common.ts';

export interface ChartSlot {
  id: string;
  el: HTMLElement;
  result: Result | null;
  shape: string | null;
  /** The newest spec not drawn yet. */
  pending: Spec | null;
}

/** The spec's JSON without its top-level inline data (what must match for an in-place update). */
function shapeOf(spec: Spec): string {
  const { data, ...rest } = spec as { data?: { values?: unknown } };
  const d = data && typeof data === 'object' && 'values' in data ? { ...data, values: null } : data;
  return JSON.stringify({ ...rest, data: d });
}

function valuesOf(spec: Spec): unknown[] | null {
  const data = (spec as { data?: { values?: unknown } }).data;
  return Array.isArray(data?.values) ? data.values : null;
}

export function createChartsView(onIdle: (pending: number) => void) {
  const slots = new Map<string, ChartSlot>();
  let busy = false;

  async function draw(slot: ChartSlot, spec: Spec): Promise<void> {
    const shape = shapeOf(spec);
    const values = valuesOf(spec);
    if (slot.result && slot.shape === shape && values) {
      const view = slot.result.view;
      view.change('source_0', vega.changeset().remove(vega.truthy).insert(structuredClone(values)));
      await view.runAsync();
    } else {
      slot.result?.finalize();
      slot.result = await embed(slot.el, spec as never, {
        actions: false,
        renderer: 'svg',
        // Warnings (e.g. an empty marker layer) are not the reader's business.
        logLevel: vega.Error,
      });
      slot.shape = shape;
    }
  }

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      for (;;) {
        const next = [...slots.values()].find((s) => s.pending);
        if (!next) break;
        const spec = next.pending!;
        next.pending = null;
        try {
          await draw(next, spec);
        } catch (e) {
          next.el.textContent = `This chart could not be drawn: ${(e as Error).message}`;
          next.result = null;
          next.shape = null;
          console.error(e);
        }
      }
    } finally {
      busy = false;
      onIdle(0);
    }
  }

  return {
    /** Registers the element a chart is drawn in. */
    add(id: string, el: HTMLElement): void {
      slots.set(id, { id, el, result: null, shape: null, pending: null });
    },
    /** Queues a spec for a chart (replacing any queued one) and starts drawing. */
    show(id: string, spec: Spec): void {
      const slot = slots.get(id);
      if (!slot) return;
      slot.pending = spec;
      void pump();
    },
    /** Charts still to draw. */
    pending(): number {
      return [...slots.values()].filter((s) => s.pending).length + (busy ? 1 : 0);
    },
  };
}

/** A spec as an image: a PNG data URL (2× scale) or SVG text, drawn off screen. */
export async function specImage(spec: Spec, type: 'png' | 'svg'): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec as never).spec), {
    renderer: 'none',
  });
  try {
    return type === 'png' ? await view.toImageURL('png', 2) : await view.toSVG();
  } finally {
    view.finalize();
  }
}
