/**
 * Atomic file writes: the data goes to a temporary file in the same directory, is flushed, and
 * is renamed over the target, so a reader sees the old file or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

function bytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Writes all of `data` (text as UTF-8) at `fd`'s position, however many writes it takes. */
export function writeAllSync(fd: number, data: string | Uint8Array): void {
  const buf = bytes(data);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Writes `data` (text as UTF-8) to `path` atomically, creating the directory if needed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes(data));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The synchronous twin of `writeFileAtomic`. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeAllSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes several files atomically, each as `writeFileAtomicSync` does, with their flushes to
 * disk in parallel (in libuv's thread pool): a sweep's end writes three results files, and
 * one flush after another was most of its time. Each file is renamed into place only once all
 * are flushed, so a crash leaves either none of them new or all.
 */
export async function writeFilesAtomic(files: [string, string | Uint8Array][]): Promise<void> {
  const temps: { tmp: string; path: string; fd: number | null }[] = [];
  try {
    for (const [path, data] of files) {
      mkdirSync(dirname(path), { recursive: true });
      const t = { tmp: tempPath(path), path, fd: null as number | null };
      temps.push(t);
      t.fd = openSync(t.tmp, 'wx');
      writeAllSync(t.fd, data);
    }
    await Promise.all(
      temps.map((t) => new Promise<void>((ok, fail) => fsync(t.fd!, (e) => (e ? fail(e) : ok())))),
    );
    for (const t of temps) {
      closeSync(t.fd!);
      t.fd = null;
    }
    for (const t of temps) renameSync(t.tmp, t.path);
  } catch (err) {
    for (const t of temps) {
      if (t.fd !== null) closeSync(t.fd);
      rmSync(t.tmp, { force: true });
    }
    throw err;
  }
}
