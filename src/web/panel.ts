/**
 * The control panel: one labelled, keyboard-operable input per control, grouped as in
 * controls.ts, each described by its one-line doc from the parameter table (aria-describedby).
 */
import {
  checkNumber,
  formatValue,
  fromSlider,
  GROUPS,
  toSlider,
  type ControlDef,
  type ControlValue,
  type GroupId,
} from './controls.ts';
import { h } from './dom.ts';

/** Slider positions of a log-scaled control. */
const LOG_POSITIONS = 100;

export interface Panel {
  /** Shows these values (no change events). */
  setValues(values: Record<string, ControlValue>): void;
  /** Marks the controls whose value differs from the preset's. */
  setChanged(changed: Set<string>): void;
}

/** How a value reads next to its control. */
export function displayValue(c: ControlDef, v: ControlValue): string {
  if (typeof v !== 'number') return String(v);
  if (c.integer) return String(v);
  return String(Number(v.toPrecision(4)));
}

export function renderPanel(
  root: HTMLElement,
  controls: ControlDef[],
  values: Record<string, ControlValue>,
  opts: {
    visible: (c: ControlDef) => boolean;
    colors: Record<string, string>;
    onChange: (id: string, value: ControlValue) => void;
    onReset: (id: string) => void;
  },
): Panel {
  root.replaceChildren();
  const setters = new Map<string, (v: ControlValue) => void>();
  const boxes = new Map<string, HTMLElement>();
  const groups = new Map<GroupId, HTMLElement>();
  for (const c of controls) {
    if (!opts.visible(c)) continue;
    let fs = groups.get(c.group);
    if (!fs) {
      fs = h('fieldset', { class: `group group-${c.group}` }, h('legend', {}, GROUPS[c.group]));
      groups.set(c.group, fs);
    }
    const id = `ctl-${c.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const docId = `${id}-doc`;
    const box = h('div', { class: `control control-${c.kind}`, 'data-control': c.id });
    const reset = h(
      'button',
      {
        type: 'button',
        class: 'reset',
        title: 'Back to the preset’s value',
        'aria-label': `Reset ${c.label} to the preset’s value`,
      },
      '↺',
    );
    reset.addEventListener('click', () => opts.onReset(c.id));
    const swatch =
      c.signal && opts.colors[c.signal]
        ? h('span', {
            class: 'swatch',
            style: `background:${opts.colors[c.signal]}`,
            'aria-hidden': 'true',
          })
        : null;
    const doc = h('p', { class: 'doc', id: docId }, c.doc);
    if (c.kind === 'boolean') {
      const input = h('input', { type: 'checkbox', id, 'aria-describedby': docId });
      input.addEventListener('change', () => opts.onChange(c.id, input.checked));
      setters.set(c.id, (v) => (input.checked = v === true));
      box.append(
        h('div', { class: 'control-head' }, input, h('label', { for: id }, c.label), reset),
        doc,
      );
    } else if (c.kind === 'choice') {
      const select = h(
        'select',
        { id, 'aria-describedby': docId },
        (c.options ?? []).map((o) => h('option', { value: o }, o)),
      );
      select.addEventListener('change', () => opts.onChange(c.id, select.value));
      setters.set(c.id, (v) => (select.value = String(v)));
      box.append(
        h('div', { class: 'control-head' }, h('label', { for: id }, c.label), reset),
        select,
        doc,
      );
    } else if (c.uiMax === undefined) {
      // A free number (the seed): a number box.
      const input = h('input', {
        type: 'number',
        id,
        min: c.min,
        max: c.max,
        step: c.integer ? 1 : 'any',
        inputmode: 'numeric',
        'aria-describedby': docId,
      });
      input.addEventListener('change', () => {
        const r = checkNumber(c, Number(input.value));
        if (input.value.trim() !== '' && 'value' in r) {
          input.removeAttribute('aria-invalid');
          opts.onChange(c.id, r.value);
        } else input.setAttribute('aria-invalid', 'true');
      });
      setters.set(c.id, (v) => (input.value = formatValue(v)));
      box.append(
        h('div', { class: 'control-head' }, h('label', { for: id }, c.label), reset),
        input,
        doc,
      );
    } else {
      const log = c.scale === 'log';
      const input = h('input', {
        type: 'range',
        id,
        min: log ? 0 : c.uiMin,
        max: log ? LOG_POSITIONS : c.uiMax,
        step: log ? 1 : c.step,
        'aria-describedby': docId,
      });
      const out = h('output', { for: id, 'aria-hidden': 'true' });
      input.addEventListener('input', () => {
        const v = log ? fromSlider(c, Number(input.value) / LOG_POSITIONS) : Number(input.value);
        out.textContent = displayValue(c, v);
        input.setAttribute('aria-valuetext', displayValue(c, v));
        opts.onChange(c.id, v);
      });
      setters.set(c.id, (v) => {
        const x = Number(v);
        input.value = String(log ? Math.round(toSlider(c, x) * LOG_POSITIONS) : x);
        out.textContent = displayValue(c, x);
        input.setAttribute('aria-valuetext', displayValue(c, x));
      });
      box.append(
        h('div', { class: 'control-head' }, swatch, h('label', { for: id }, c.label), out, reset),
        input,
        doc,
      );
    }
    boxes.set(c.id, box);
    fs.append(box);
  }
  for (const g of Object.keys(GROUPS) as GroupId[]) {
    const fs = groups.get(g);
    if (!fs) continue;
    if (g === 'params') {
      const details = h('details', { class: 'more' }, h('summary', {}, GROUPS.params));
      fs.querySelector('legend')?.remove();
      details.append(...Array.from(fs.childNodes));
      root.append(details);
    } else root.append(fs);
  }
  const panel: Panel = {
    setValues(vals) {
      for (const [id, set] of setters) if (id in vals) set(vals[id]);
    },
    setChanged(changed) {
      for (const [id, box] of boxes) box.toggleAttribute('data-changed', changed.has(id));
    },
  };
  panel.setValues(values);
  return panel;
}
