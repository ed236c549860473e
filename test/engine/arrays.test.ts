/**
 * mapPacked (src/engine/arrays.ts): the arrays a run builds and its hot code reads keep one
 * elements kind whether or not V8 has optimized the code that builds them. Checked in a child
 * process with V8's natives syntax: the builder is optimized, then asked for an array again.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mapPacked } from '../../src/engine/arrays.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('mapPacked', () => {
  it('maps like Array.prototype.map', () => {
    const xs = ['a', 'bb', 'ccc'];
    expect(mapPacked(xs, (x, i) => x.length * 10 + i)).toEqual(xs.map((x, i) => x.length * 10 + i));
    expect(mapPacked([], () => 1)).toEqual([]);
  });

  it('gives a packed array from optimized code too, where map gives a holey one', () => {
    // `%` calls are V8 natives, so the script is compiled at run time by the child.
    const script = `
      const { mapPacked } = await import(${JSON.stringify(root + 'src/engine/arrays.ts')});
      const check = new Function('mapPacked', \`
        const xs = [{ t: 1 }, { t: 2 }, { t: 3 }];
        function viaMap() { return xs.map((x) => [x.t]); }
        function viaPacked() { return mapPacked(xs, (x) => [x.t]); }
        const out = {};
        for (const [name, f] of [['map', viaMap], ['mapPacked', viaPacked]]) {
          %PrepareFunctionForOptimization(f);
          const before = %HasHoleyElements(f());
          f();
          %OptimizeFunctionOnNextCall(f);
          const after = %HasHoleyElements(f());
          out[name] = { before, after, optimized: (%GetOptimizationStatus(f) & 16) !== 0 };
        }
        return out;
      \`);
      console.log(JSON.stringify(check(mapPacked)));
    `;
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root, encoding: 'utf8' },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.mapPacked).toEqual({ before: false, after: false, optimized: true });
    // Why the helper exists: if V8 stops doing this, the helper is no longer needed.
    expect(r.map.before).toBe(false);
    expect(r.map.optimized).toBe(true);
    expect(r.map.after).toBe(true);
  });
});
