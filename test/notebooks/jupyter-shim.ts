// Evaluated first in the `deno repl` session that runs a notebook's cells (see notebook-runner.ts).
// It stands in for what the Deno Jupyter kernel provides: `Deno.jupyter` (display, format, md,
// html, svg, image, $display) with the kernel's formatting rules, and it reports cell boundaries,
// rich outputs and the quoted-number checks to the runner as marked lines on stdout:
// "\x1e" + JSON + "\x1e\n". A script, not a module: the REPL evaluates it like a cell, so
// everything stays inside this function and only `__nbHarness` is left on globalThis.
(() => {
  const g = globalThis as any;
  const D = g.Deno;
  const $display = Symbol.for('Jupyter.display');
  const encoder = new TextEncoder();
  let current = -1;
  let lastEnded = -1;

  function emit(event: Record<string, unknown>): void {
    D.stdout.writeSync(encoder.encode(`\x1e${JSON.stringify(event)}\x1e\n`));
  }

  // The kernel's `format` (deno ext/jupyter): a `$display` method wins; anything else becomes
  // text/plain through Deno's inspector with `%o`, uncoloured when NO_COLOR is set.
  function plain(obj: unknown): Record<string, unknown> {
    return { 'text/plain': D[D.internal].inspectArgs(['%o', obj], { colors: !D.noColor }) };
  }
  function format(obj: any): unknown {
    if (obj !== null && typeof obj === 'object' && typeof obj[$display] === 'function') {
      return obj[$display]();
    }
    return plain(obj);
  }
  function isMediaBundle(obj: unknown): boolean {
    return obj != null && typeof obj === 'object' && !Array.isArray(obj);
  }
  function tagged(mime: string) {
    return (strings: TemplateStringsArray, ...values: unknown[]) => {
      const text = strings.reduce(
        (acc, s, i) => acc + s + (values[i] !== undefined ? values[i] : ''),
        '',
      );
      return { [$display]: () => ({ [mime]: text }) };
    };
  }
  function image(pathOrBytes: string | Uint8Array) {
    const bytes = typeof pathOrBytes === 'string' ? D.readFileSync(pathOrBytes) : pathOrBytes;
    const mime = bytes[0] === 0x89 && bytes[1] === 0x50 ? 'image/png' : 'image/jpeg';
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return { [$display]: () => ({ [mime]: btoa(bin) }) };
  }

  async function display(obj: unknown, options: { raw?: boolean } = {}): Promise<void> {
    const cell = current;
    let bundle: any = options.raw && isMediaBundle(obj) ? obj : format(obj);
    if (bundle && typeof bundle.then === 'function') bundle = await bundle;
    emit({ t: 'display', i: cell, bundle });
  }

  D.jupyter = {
    $display,
    display,
    format,
    md: tagged('text/markdown'),
    html: tagged('text/html'),
    svg: tagged('image/svg+xml'),
    image,
    broadcast: async () => {},
  };

  g.__nbHarness = {
    begin(i: number, previous: number): void {
      if (lastEnded !== previous) {
        emit({ t: 'abort', i, lastEnded });
        D.exit(3);
      }
      current = i;
      emit({ t: 'begin', i });
    },
    async result(i: number, value: unknown): Promise<void> {
      if (value === undefined) return;
      let bundle: any = format(value);
      if (bundle && typeof bundle.then === 'function') bundle = await bundle;
      emit({ t: 'result', i, bundle });
    },
    end(i: number): void {
      lastEnded = i;
      emit({ t: 'end', i });
    },
    check(i: number, k: number, f: () => unknown): void {
      try {
        const value = f();
        emit({ t: 'check', i, k, value: typeof value === 'number' ? value : String(value) });
      } catch (e) {
        emit({ t: 'check', i, k, error: String(e) });
      }
    },
  };
})();
