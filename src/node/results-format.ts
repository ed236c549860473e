/**
 * A sweep's result rows as text (results.csv and results.jsonl, src/node/sweep.ts): one
 * definition, used by the main thread and by the worker threads, which format the rows of the
 * runs they run while they run them, so that the end of a big sweep does not format 10,000 rows
 * on one thread. A number is written as JavaScript writes it (String, the same as JSON), a
 * missing or non-finite value as an empty CSV cell and a JSON null.
 */

/** A CSV cell: numbers as written by String, strings quoted when they need it. */
export function csvCell(x: string | number | null): string {
  if (x === null) return '';
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : '';
  return /[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
}

/**
 * A result row's lines (without newline): results.csv's, results.jsonl's, and summary.csv's
 * for a point that has this one row (one seed), which is the row's values as mean, lo and hi,
 * and sd 0 (as `summarize` gives for one value).
 */
export interface RowText {
  csv: string;
  json: string;
  summary: string;
}

/** Formats result rows with the columns run, point, seed, the axes' paths, the metric keys. */
export class RowFormatter {
  readonly cols: string[];
  private readonly keys: string[];
  private readonly cells: string[];
  private readonly json: string[];
  constructor(
    readonly paths: string[],
    readonly metrics: string[],
  ) {
    this.cols = ['run', 'point', 'seed', ...paths, ...metrics];
    this.keys = this.cols.map((c) => `${JSON.stringify(c)}:`);
    this.cells = new Array<string>(this.cols.length);
    this.json = new Array<string>(this.cols.length);
  }

  /** The CSV header line. */
  header(): string {
    return this.cols.map(csvCell).join(',');
  }

  private put(i: number, x: number | null): void {
    if (typeof x === 'number' && Number.isFinite(x)) {
      const t = String(x);
      this.cells[i] = t;
      this.json[i] = this.keys[i] + t;
    } else {
      this.cells[i] = '';
      this.json[i] = this.keys[i] + 'null';
    }
  }

  /** The row's lines. */
  row(
    run: number,
    point: number,
    seed: number,
    values: ArrayLike<number>,
    metrics: ArrayLike<number | null>,
  ): RowText {
    const P = this.paths.length;
    this.put(0, run);
    this.put(1, point);
    this.put(2, seed);
    for (let i = 0; i < P; i++) this.put(3 + i, values[i]);
    for (let i = 0; i < this.metrics.length; i++) this.put(3 + P + i, metrics[i]);
    const c = this.cells;
    // summary.csv: point, the axes, n (the first metric's values), then per metric mean, sd,
    // lo, hi; a missing value gives no mean and no interval (and sd 0).
    let summary = c[1];
    for (let i = 0; i < P; i++) summary += ',' + c[3 + i];
    summary += this.metrics.length === 0 || c[3 + P] === '' ? ',0' : ',1';
    for (let i = 0; i < this.metrics.length; i++) {
      const m = c[3 + P + i];
      summary += `,${m},0,${m},${m}`;
    }
    return { csv: c.join(','), json: `{${this.json.join(',')}}`, summary };
  }
}

/**
 * Result lines as bytes: each file's lines (UTF-8, each ending in a newline) in one buffer, and
 * where each row's line ends. A sweep's threads hand their rows over this way rather than as
 * strings: a few buffers copy between threads at memory speed, where thousands of strings each
 * cost a copy and an object, and the files are written from them without encoding again.
 */
export interface RowBytes {
  /** Each row's key (a sweep thread's: the todo index of the run). */
  index: Int32Array;
  csv: Uint8Array;
  csvEnd: Int32Array;
  json: Uint8Array;
  jsonEnd: Int32Array;
  summary: Uint8Array;
  summaryEnd: Int32Array;
}

/**
 * Bytes appended to a growing buffer, line by line, and where each line ends. `shared`: the
 * buffer is a SharedArrayBuffer, so that views of it pass to another thread without a copy (a
 * structured clone copies a plain buffer whole, spare room included).
 */
class LineBytes {
  buf: Buffer;
  len = 0;
  readonly ends: number[] = [];
  constructor(private readonly shared = false) {
    this.buf = this.alloc(1 << 14);
  }
  private alloc(n: number): Buffer {
    return this.shared ? Buffer.from(new SharedArrayBuffer(n)) : Buffer.allocUnsafe(n);
  }
  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = this.alloc(Math.max(this.len + n, 2 * this.buf.length));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }
  /** Appends `line` (UTF-8) and a newline. */
  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, plus the newline.
    this.reserve(3 * line.length + 1);
    this.len += this.buf.write(line, this.len, 'utf8');
    this.end();
  }
  /** Appends `s`, which is ASCII (a number's text, punctuation), a byte per unit. */
  ascii(s: string): void {
    this.reserve(s.length);
    const b = this.buf;
    let j = this.len;
    for (let i = 0; i < s.length; i++) b[j++] = s.charCodeAt(i);
    this.len = j;
  }
  /** Appends the bytes `x`. */
  raw(x: Uint8Array): void {
    this.reserve(x.length);
    const b = this.buf;
    let j = this.len;
    for (let i = 0; i < x.length; i++) b[j++] = x[i];
    this.len = j;
  }
  /** Appends the byte `c`. */
  byte(c: number): void {
    this.reserve(1);
    this.buf[this.len++] = c;
  }
  /** Ends the line: a newline, and its end noted. */
  end(): void {
    this.byte(10);
    this.ends.push(this.len);
  }
  /** The bytes written: a view when the buffer is shared, else a copy of their own size. */
  bytes(): Uint8Array {
    const { buffer, byteOffset } = this.buf;
    return this.shared
      ? new Uint8Array(buffer, byteOffset, this.len)
      : new Uint8Array(this.buf.subarray(0, this.len));
  }
}

/** Collects rows' lines (RowText) as RowBytes. */
export class RowBytesWriter {
  protected readonly index: number[] = [];
  protected readonly csv: LineBytes;
  protected readonly json: LineBytes;
  protected readonly summary: LineBytes;
  /** `shared`: in SharedArrayBuffers (see LineBytes), for a thread that hands them over. */
  constructor(shared = false) {
    this.csv = new LineBytes(shared);
    this.json = new LineBytes(shared);
    this.summary = new LineBytes(shared);
  }
  /** Adds a row's lines under `key`; returns the row's number here. */
  add(key: number, t: RowText): number {
    this.index.push(key);
    this.csv.push(t.csv);
    this.json.push(t.json);
    this.summary.push(t.summary);
    return this.index.length - 1;
  }
  take(): RowBytes {
    return {
      index: Int32Array.from(this.index),
      csv: this.csv.bytes(),
      csvEnd: Int32Array.from(this.csv.ends),
      json: this.json.bytes(),
      jsonEnd: Int32Array.from(this.json.ends),
      summary: this.summary.bytes(),
      summaryEnd: Int32Array.from(this.summary.ends),
    };
  }
}

const HEX = '0123456789abcdef';
const text = (x: number): string => (Number.isFinite(x) ? String(x) : '');

/**
 * RowFormatter's lines and the journal's line (src/node/journal.ts `journalLine`) of a row,
 * written straight into bytes: each number made into text once, and its characters copied where
 * they go, with no string built per line. This is what a sweep thread does once per run, and
 * for a weight run (a few hundred microseconds) building three lines and a journal line as
 * strings and encoding them again took several percent of the run. The bytes are the same as
 * RowFormatter's and journalLine's (test/node/sweep.test.ts).
 */
export class RowBytesFormatter extends RowBytesWriter {
  /** Journal lines written since the last `takeJournal`. */
  private readonly journal = new LineBytes();
  /** Before each column's JSON value: `{"run":`, `,"point":`, … */
  private readonly jsonKeys: Uint8Array[];
  /** The row's cells ('' for none). */
  private readonly cells: string[];
  constructor(
    readonly paths: string[],
    readonly metrics: string[],
    /** Whether to write the result lines (else only journal lines). */
    readonly format: boolean,
    /**
     * About how many rows this formatter will write: once the first is written, room is made for
     * that many like it, so that the buffers do not grow by copying (room not written to costs
     * no memory: the system hands pages out as they are first written).
     */
    private readonly rows = 0,
  ) {
    super(true);
    const cols = ['run', 'point', 'seed', ...paths, ...metrics];
    const enc = new TextEncoder();
    this.jsonKeys = cols.map((c, i) => enc.encode(`${i ? ',' : '{'}${JSON.stringify(c)}:`));
    this.cells = new Array<string>(cols.length).fill('');
  }

  /** Bytes of the journal lines written since the last call: a view, valid until the next row. */
  takeJournal(): Uint8Array {
    const j = this.journal;
    const out = j.buf.subarray(0, j.len);
    j.len = 0;
    j.ends.length = 0;
    return out;
  }

  /** Bytes of journal lines written since the last `takeJournal`. */
  get journalBytes(): number {
    return this.journal.len;
  }

  /**
   * Writes a row's lines under `key` (when formatting) and its journal line; the row's metric
   * values are `metrics[at …]`.
   */
  row(
    key: number,
    run: number,
    point: number,
    seed: number,
    values: ArrayLike<number>,
    metrics: ArrayLike<number>,
    at = 0,
  ): void {
    const P = this.paths.length;
    const M = this.metrics.length;
    const c = this.cells;
    c[0] = text(run);
    c[1] = text(point);
    c[2] = text(seed);
    for (let i = 0; i < P; i++) c[3 + i] = text(values[i]);
    for (let i = 0; i < M; i++) c[3 + P + i] = text(metrics[at + i]);
    if (this.format) {
      this.index.push(key);
      const { csv, json, summary } = this;
      for (let i = 0; i < c.length; i++) {
        if (i) csv.byte(44);
        csv.ascii(c[i]);
        json.raw(this.jsonKeys[i]);
        json.ascii(c[i] === '' ? 'null' : c[i]);
      }
      csv.end();
      json.byte(125);
      json.end();
      summary.ascii(c[1]);
      for (let i = 0; i < P; i++) {
        summary.byte(44);
        summary.ascii(c[3 + i]);
      }
      summary.ascii(M === 0 || c[3 + P] === '' ? ',0' : ',1');
      for (let i = 0; i < M; i++) {
        const m = c[3 + P + i];
        summary.byte(44);
        summary.ascii(m);
        summary.ascii(',0,');
        summary.ascii(m);
        summary.byte(44);
        summary.ascii(m);
      }
      summary.end();
      if (this.index.length === 1 && this.rows > 1)
        for (const f of [csv, json, summary]) f.reserve(Math.ceil(f.len * (this.rows - 1) * 1.1));
    }
    // {"run":R,"values":[…],"check":"…"}: the check is FNV-1a of `[R,[…]]`, hashed from the
    // bytes as written (all ASCII, so a byte is a UTF-16 unit).
    const j = this.journal;
    j.ascii('{"run":');
    const r0 = j.len;
    j.ascii(c[0]);
    const r1 = j.len;
    j.ascii(',"values":[');
    const v0 = j.len - 1;
    for (let i = 0; i < M; i++) {
      if (i) j.byte(44);
      const m = c[3 + P + i];
      j.ascii(m === '' ? 'null' : m);
    }
    j.byte(93);
    const b = j.buf;
    let h = Math.imul(0x811c9dc5 ^ 91, 0x01000193); // '['
    for (let i = r0; i < r1; i++) h = Math.imul(h ^ b[i], 0x01000193);
    h = Math.imul(h ^ 44, 0x01000193); // ','
    for (let i = v0; i < j.len; i++) h = Math.imul(h ^ b[i], 0x01000193);
    h = Math.imul(h ^ 93, 0x01000193); // ']'
    j.ascii(',"check":"');
    j.reserve(8);
    for (let s = 28; s >= 0; s -= 4) j.buf[j.len++] = HEX.charCodeAt((h >>> s) & 15);
    j.ascii('"}');
    j.end();
  }
}

/** Row `k`'s line in `file` of `b` (with its newline), as a view. */
export function rowLine(b: RowBytes, file: 'csv' | 'json' | 'summary', k: number): Uint8Array {
  const ends = file === 'csv' ? b.csvEnd : file === 'json' ? b.jsonEnd : b.summaryEnd;
  return b[file].subarray(k > 0 ? ends[k - 1] : 0, ends[k]);
}

/** A row's CSV cells from its axes on (the axes' values, then the metrics), from its CSV line:
 * every cell of a result row is a number or empty, so none holds a comma. */
export function cellsAfterSeed(csv: string): string[] {
  return csv.split(',').slice(3);
}
