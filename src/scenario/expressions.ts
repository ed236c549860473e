/**
 * Expressions in scenario files, evaluated by a hardened mathjs instance.
 *
 * Two layers of defence, as mathjs's security guide recommends: (1) every expression is parsed
 * and checked against an allowlist of node types, operators, functions and the names in scope
 * before it is compiled, so `import`, `evaluate`, `parse`, `createUnit`, property access,
 * assignments and function definitions are rejected with a clear message; (2) the instance's
 * dangerous functions are overridden to throw, after keeping private references to `parse`.
 * Expressions are compiled once and evaluated into tables at compile time, never in a hot loop.
 */
import { all, create, type MathNode } from 'mathjs/number';

const math = create(all);
const parse = math.parse;
/** Functions an expression may call, with their JS implementations where mathjs has none. */
const EXTRA: Record<string, (...args: any[]) => unknown> = {
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  clamp: (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x)),
  is: (x: unknown, y: unknown) => String(x) === String(y),
};
math.import(EXTRA, { override: true });

const disabled = (name: string) => () => {
  throw new Error(`function ${name} is disabled in scenario expressions`);
};
math.import(
  {
    import: disabled('import'),
    createUnit: disabled('createUnit'),
    evaluate: disabled('evaluate'),
    parse: disabled('parse'),
    simplify: disabled('simplify'),
    derivative: disabled('derivative'),
    resolve: disabled('resolve'),
    reviver: disabled('reviver'),
    compile: disabled('compile'),
    chain: disabled('chain'),
  },
  { override: true },
);

export const ALLOWED_FUNCTIONS = [
  'abs',
  'min',
  'max',
  'exp',
  'log',
  'log1p',
  'sqrt',
  'pow',
  'tanh',
  'sign',
  'floor',
  'ceil',
  'round',
  'mod',
  'sigmoid',
  'clamp',
  'is',
] as const;
const FUNCTIONS = new Set<string>(ALLOWED_FUNCTIONS);
const CONSTANTS = new Set(['pi', 'e', 'true', 'false']);
const OPERATORS = new Set([
  '+',
  '-',
  '*',
  '/',
  '^',
  '>',
  '<',
  '>=',
  '<=',
  '==',
  '!=',
  'and',
  'or',
  'not',
  'xor',
]);
const NODE_TYPES = new Set([
  'ConstantNode',
  'SymbolNode',
  'OperatorNode',
  'ParenthesisNode',
  'ConditionalNode',
  'FunctionNode',
]);

/** What an expression reads its names from: an object, or columns read in place. */
export type Scope = Record<string, number | string | boolean> | ScopeColumns;

/** A compiled expression: evaluate with a scope of numbers (and strings for `is`). */
export interface Expression {
  source: string;
  /** Names from the scope the expression reads. */
  symbols: string[];
  evaluate(scope: Scope): number;
}

const SCALAR = 0;
const ROWS = 1;
const COLUMNS = 2;
const CELLS = 3;

/**
 * A scope over a table of cells (rows × `width` columns), read in place at `cell`: each name is
 * one value for every cell, one per row, one per column or one per cell. The compiler evaluates
 * an expression over hundreds of cells; a scope object per cell (params and attributes copied
 * into each) cost more than the evaluations. mathjs takes any object with get/has/set/keys as its
 * scope, and reads a name with has() then get(); the checks on expressions reject assignments,
 * so it never calls set().
 */
export class ScopeColumns {
  /** The cell read (row × width + column). */
  cell = 0;
  private readonly names = new Map<string, { kind: number; values: unknown[] }>();
  constructor(private readonly width: number) {}
  scalar(name: string, value: number | string): void {
    this.names.set(name, { kind: SCALAR, values: [value] });
  }
  /** One value per row (a situation). */
  rows(name: string, values: ArrayLike<number | string>): void {
    this.names.set(name, { kind: ROWS, values: Array.from(values) });
  }
  /** One value per column (a response style). */
  columns(name: string, values: ArrayLike<number | string>): void {
    this.names.set(name, { kind: COLUMNS, values: Array.from(values) });
  }
  /** One value per cell. */
  cells(name: string, values: ArrayLike<number>): void {
    this.names.set(name, { kind: CELLS, values: Array.from(values) });
  }
  has(name: string): boolean {
    return this.names.has(name);
  }
  get(name: string): unknown {
    const n = this.names.get(name);
    if (!n) return undefined;
    const i = this.cell;
    switch (n.kind) {
      case SCALAR:
        return n.values[0];
      case ROWS:
        return n.values[(i / this.width) | 0];
      case COLUMNS:
        return n.values[i % this.width];
      default:
        return n.values[i];
    }
  }
  set(): never {
    throw new ExpressionError('expressions cannot assign');
  }
  keys(): IterableIterator<string> {
    return this.names.keys();
  }
}

/** Thrown for a bad expression; the compiler attaches the field path. */
export class ExpressionError extends Error {}

/**
 * Parses and checks `source` against the allowlist and the `names` in scope. Throws an
 * ExpressionError naming what is wrong.
 */
export function compileExpression(source: string | number, names: ReadonlySet<string>): Expression {
  if (typeof source === 'number')
    return { source: String(source), symbols: [], evaluate: () => source };
  // A scenario compiled again (a sweep over params, the explorer) meets the same expressions:
  // parsing and checking them once per (source, names in scope) is enough.
  const key = `${source}\u0000${[...names].join('\u0000')}`;
  let e = compiled.get(key);
  if (!e) {
    e = parseChecked(source, names);
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, e);
  }
  return e;
}

const compiled = new Map<string, Expression>();
const CACHE_SIZE = 4096;

function parseChecked(source: string, names: ReadonlySet<string>): Expression {
  let node: MathNode;
  try {
    node = parse(source);
  } catch (e) {
    throw new ExpressionError(`cannot parse expression "${source}": ${(e as Error).message}`);
  }
  const symbols = new Set<string>();
  node.traverse((n: any, _path: string, parent: any) => {
    if (!NODE_TYPES.has(n.type)) {
      const what: Record<string, string> = {
        AssignmentNode: 'assignments',
        FunctionAssignmentNode: 'function definitions',
        AccessorNode: 'property access',
        IndexNode: 'indexing',
        ObjectNode: 'objects',
        ArrayNode: 'arrays',
        BlockNode: 'several statements',
        RangeNode: 'ranges',
      };
      throw new ExpressionError(
        `not allowed in expressions: ${what[n.type] ?? n.type} ("${source}")`,
      );
    }
    if (n.type === 'OperatorNode' && !OPERATORS.has(n.op))
      throw new ExpressionError(`operator "${n.op}" is not allowed in "${source}"`);
    if (
      n.type === 'ConstantNode' &&
      typeof n.value !== 'number' &&
      typeof n.value !== 'string' &&
      typeof n.value !== 'boolean'
    )
      throw new ExpressionError(`constant ${String(n.value)} is not allowed in "${source}"`);
    if (n.type === 'FunctionNode') {
      const name = n.fn?.name;
      if (n.fn?.type !== 'SymbolNode' || !FUNCTIONS.has(name))
        throw new ExpressionError(
          `function ${name ?? '(computed)'} is not allowed in expressions; allowed: ${ALLOWED_FUNCTIONS.join(', ')}`,
        );
    }
    if (n.type === 'SymbolNode') {
      const isCallee = parent?.type === 'FunctionNode' && parent.fn === n;
      if (isCallee) return;
      if (CONSTANTS.has(n.name)) return;
      if (!names.has(n.name)) {
        const known = [...names].sort();
        throw new ExpressionError(
          `unknown name "${n.name}" in "${source}"; known names: ${known.join(', ') || '(none)'}`,
        );
      }
      symbols.add(n.name);
    }
  });
  const code = node.compile();
  return {
    source,
    symbols: [...symbols],
    evaluate(scope) {
      // The scope is not copied: assignments are rejected above, so evaluation cannot change it.
      const v = code.evaluate(scope);
      const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
      if (typeof x !== 'number')
        throw new ExpressionError(
          `"${source}" gave ${typeof v === 'object' ? 'a ' + (v?.type ?? 'non-number') : typeof v}, expected a number`,
        );
      return x;
    },
  };
}
