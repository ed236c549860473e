// Atomic writes: the target holds the old content or the new, never a partial file or a temp.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync, writeFilesAtomic } from '../../src/node/fs.ts';

const dir = mkdtempSync(join(tmpdir(), 'rewardmix-fs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes text and bytes, creating directories, and replaces an existing file', async () => {
    const p = join(dir, 'a', 'b', 'out.txt');
    await writeFileAtomic(p, 'first');
    expect(readFileSync(p, 'utf8')).toBe('first');
    await writeFileAtomic(p, new Uint8Array([104, 105]));
    expect(readFileSync(p, 'utf8')).toBe('hi');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.txt']);
  });

  it('leaves the old file and no temp file when the write fails', async () => {
    const p = join(dir, 'keep.txt');
    writeFileSync(p, 'old');
    // A directory cannot be renamed over by a file: the rename fails after the temp is written.
    const target = join(dir, 'is-a-dir');
    await writeFileAtomic(join(target, 'x'), 'x');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(readFileSync(p, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('has a synchronous twin', () => {
    const p = join(dir, 'sync', 'out.json');
    writeFileAtomicSync(p, '{"a":1}');
    writeFileAtomicSync(p, '{"a":2}');
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual({ a: 2 });
    expect(() => writeFileAtomicSync(join(dir, 'is-a-dir'), 'new')).toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writeAllSync', () => {
  it('writes parts in order, more of them than one writev takes', () => {
    const parts = Array.from({ length: 2500 }, (_, i) => Buffer.from(`${i}${i % 7 ? '' : 'ü'};`));
    for (const data of [parts, Buffer.concat(parts), Buffer.concat(parts).toString('utf8')]) {
      const p = join(dir, 'parts.txt');
      writeFileAtomicSync(p, data);
      expect(readFileSync(p, 'utf8')).toBe(Buffer.concat(parts).toString('utf8'));
    }
    writeFileAtomicSync(join(dir, 'none.txt'), []);
    expect(readFileSync(join(dir, 'none.txt'), 'utf8')).toBe('');
  });
});

describe('writeFilesAtomic', () => {
  it('renames in the order given: a file is new only if every one before it is', async () => {
    const d = join(dir, 'several');
    await writeFilesAtomic([
      [join(d, 'a'), 'a1'],
      [join(d, 'b'), 'b1'],
      [join(d, 'c'), 'c1'],
    ]);
    // b cannot be replaced (a directory stands there now): a is new, b and c stay old.
    rmSync(join(d, 'b'));
    writeFileAtomicSync(join(d, 'b', 'inside'), 'x');
    await expect(
      writeFilesAtomic([
        [join(d, 'a'), 'a2'],
        [join(d, 'b'), 'b2'],
        [join(d, 'c'), [Buffer.from('c'), Buffer.from('2')]],
      ]),
    ).rejects.toThrow();
    expect(readFileSync(join(d, 'a'), 'utf8')).toBe('a2');
    expect(readFileSync(join(d, 'c'), 'utf8')).toBe('c1');
    expect(readdirSync(d).sort()).toEqual(['a', 'b', 'c']);
  });
});
