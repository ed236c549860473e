// src/charts is pure: data in, specs out. It runs unchanged in Node, Deno and the browser, so it
// may import only its own modules and types (from the engine and vega-lite), and touch no I/O.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../src/charts');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('src/charts purity', () => {
  it.each(files)('%s imports only local modules and types', (f) => {
    const src = readFileSync(join(dir, f), 'utf8');
    const imports = [...src.matchAll(/^(import|export)\s+([^;]*?)\s+from\s+'([^']+)'/gms)];
    for (const [, , what, from] of imports) {
      if (from.startsWith('./')) continue;
      expect(`${what} from '${from}'`).toMatch(/^type\s/);
    }
    expect(src).not.toMatch(
      /\b(Math\.random|Date\.now|new Date|process\.(env|exit|argv|cwd|stdout|stderr)|console\.(log|warn|error)|fetch\()/,
    );
  });
});
