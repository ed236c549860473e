/**
 * `xs.map(f)` as a packed array, whoever calls it. `Array.prototype.map` makes a packed array
 * while its caller runs unoptimized and a holey one once V8 has optimized the caller (its
 * inlined `map` allocates the result at full length first). Code optimized for arrays of the
 * one kind deoptimizes on the other, so arrays built per run and read by the runs' hot code are
 * built with this: a fresh sweep worker then compiles its hot functions once rather than twice
 * (docs/performance.md, "Warm-up").
 */
export function mapPacked<T, U>(xs: readonly T[], f: (x: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < xs.length; i++) out.push(f(xs[i], i));
  return out;
}
