// URL state: pure encode/decode of the explorer's whole view.
import { describe, expect, it } from 'vitest';
import type { ControlDef } from '../../src/web/controls.ts';
import {
  encodeState,
  parseLocation,
  parseQuery,
  resolveValues,
  type ExplorerState,
} from '../../src/web/url-state.ts';

const controls: ControlDef[] = [
  {
    id: 'thumbs',
    path: 'mix.weights.thumbs',
    group: 'mix',
    label: 'T',
    doc: 'd',
    kind: 'number',
    min: 0,
    max: 1e6,
    value: 0,
  },
  {
    id: 'w.preset',
    path: 'mix.weights.preset',
    group: 'mix',
    label: 'P',
    doc: 'd',
    kind: 'number',
    min: 0,
    value: 1,
  },
  {
    id: 'normalize',
    path: 'mix.normalize',
    group: 'mix',
    label: 'N',
    doc: 'd',
    kind: 'boolean',
    value: true,
  },
  {
    id: 'trainer',
    path: 'trainer.kind',
    group: 'training',
    label: 'K',
    doc: 'd',
    kind: 'choice',
    options: ['exact', 'ppo'],
    value: 'exact',
  },
  {
    id: 'steps',
    path: 'trainer.steps',
    group: 'training',
    label: 'S',
    doc: 'd',
    kind: 'number',
    integer: true,
    min: 0,
    max: 1000,
    value: 300,
  },
  {
    id: 'seed',
    path: 'seed',
    group: 'training',
    label: 'Seed',
    doc: 'd',
    kind: 'number',
    integer: true,
    min: 0,
    value: 1,
  },
];

const state: ExplorerState = {
  preset: 'april-2025-update',
  values: {
    thumbs: 0.1 + 0.2,
    'w.preset': 2.5,
    normalize: false,
    trainer: 'ppo',
    steps: 40,
    seed: 7,
  },
  map: ['thumbs', 'spec'],
  hide: ['beta', 'trainer'],
  only: [],
};

describe('encodeState / parseQuery', () => {
  it('writes every control in table order, then the axes and what is hidden', () => {
    expect(encodeState(state, controls)).toBe(
      'preset=april-2025-update&thumbs=0.30000000000000004&w.preset=2.5&normalize=false&trainer=ppo&steps=40&seed=7&map=thumbs,spec&hide=beta,trainer',
    );
  });

  it('round-trips: decoding the encoded state gives the same state, numbers bit for bit', () => {
    const q = parseQuery(`#${encodeState(state, controls)}`);
    expect(q.preset).toBe(state.preset);
    expect(q.map).toEqual(state.map);
    expect(q.hide).toEqual(state.hide);
    const { values, problems } = resolveValues(q, controls);
    expect(problems).toEqual([]);
    expect(values).toEqual(state.values);
    expect(Object.is(values.thumbs, 0.1 + 0.2)).toBe(true);
  });

  it('escapes what a URL cannot carry and reads it back', () => {
    const odd = { ...state, preset: 'my scenario&more=1', hide: ['a b'] };
    const text = encodeState(odd, controls);
    expect(text).toContain('preset=my%20scenario%26more%3D1');
    const q = parseQuery(text);
    expect(q.preset).toBe('my scenario&more=1');
    expect(q.hide).toEqual(['a b']);
  });

  it('reads ?search and #hash together, the hash winning', () => {
    const q = parseLocation('?preset=baseline&thumbs=1&hide=seed', '#thumbs=2&only=thumbs');
    expect(q.preset).toBe('baseline');
    expect(q.entries).toEqual([['thumbs', '2']]);
    expect(q.hide).toEqual(['seed']);
    expect(q.only).toEqual(['thumbs']);
  });

  it('reports unknown keys and bad values, keeping the rest', () => {
    const q = parseQuery(
      'preset=x&thumbs=-1&steps=2.5&normalize=maybe&trainer=sgd&bogus=3&seed=12&map=thumbs',
    );
    expect(q.map).toBeNull(); // one axis is not a map
    const { values, problems } = resolveValues(q, controls);
    expect(values).toEqual({ seed: 12 });
    expect(problems).toEqual([
      'thumbs: found -1, expected ≥ 0 (ignored)',
      'steps: found 2.5, expected a whole number (ignored)',
      'normalize: found "maybe", expected true or false (ignored)',
      'trainer: found "sgd", expected one of exact, ppo (ignored)',
      'unknown setting "bogus" in the link (ignored)',
    ]);
  });

  it('ignores malformed escapes and empty pairs; later keys win', () => {
    const q = parseQuery('&&thumbs=%E0%A4%A&thumbs=1&thumbs=2&hide=a,,b&hide=c');
    expect(q.entries).toEqual([['thumbs', '2']]);
    expect(q.hide).toEqual(['a', 'b', 'c']);
  });
});
