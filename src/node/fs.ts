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
  writevSync,
} from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/** What the writes here take: text (written as UTF-8), bytes, or bytes in parts, in order. */
export type FileData = string | Uint8Array | readonly Uint8Array[];

function bytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Flushes `fd` to disk in libuv's thread pool, so the calling thread goes on meanwhile. */
export function fsyncAsync(fd: number): Promise<void> {
  return new Promise((ok, fail) => fsync(fd, (e) => (e ? fail(e) : ok())));
}

/** At most this many parts go to one writev call (the usual IOV_MAX). */
const IOV_MAX = 1024;

/**
 * Writes all of `data` at `fd`'s position, however many writes it takes; parts go out a batch
 * at a time with writev, without first copying them into one buffer.
 */
export function writeAllSync(fd: number, data: FileData): void {
  if (!Array.isArray(data)) {
    const buf = bytes(data as string | Uint8Array);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    return;
  }
  const parts = data as readonly Uint8Array[];
  for (let i = 0; i < parts.length;) {
    const batch = parts.slice(i, i + IOV_MAX);
    i += batch.length;
    let wrote = writevSync(fd, batch);
    // A short write (rare for files): the rest of the batch one part at a time.
    for (const b of batch) {
      if (wrote >= b.length) {
        wrote -= b.length;
        continue;
      }
      writeAllSync(fd, b.subarray(wrote));
      wrote = 0;
    }
  }
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
export function writeFileAtomicSync(path: string, data: FileData): void {
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
 * disk in parallel (in libuv's thread pool): a sweep's end writes three results files and its
 * sweep.json, and one flush after another was most of its time. The files are renamed into place
 * in the order given, once all are flushed: whatever moment a crash comes, each file is old or
 * new, and one is new only if every file before it is.
 */
export async function writeFilesAtomic(files: [string, FileData][]): Promise<void> {
  const temps: { tmp: string; path: string; fd: number | null }[] = [];
  try {
    for (const [path, data] of files) {
      mkdirSync(dirname(path), { recursive: true });
      const t = { tmp: tempPath(path), path, fd: null as number | null };
      temps.push(t);
      t.fd = openSync(t.tmp, 'wx');
      writeAllSync(t.fd, data);
    }
    await Promise.all(temps.map((t) => fsyncAsync(t.fd!)));
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
