// src/node/progress.ts: what a sweep's progress writes, as docs/cli.md and what-if.md say. Not on
// a terminal: nothing for a job shorter than 10 s; past that a line every 10 s and a last one at
// the end. On a terminal: the bar only after half a second, and cleared when it stops.
import { describe, expect, it } from 'vitest';
import { createProgress, type ProgressState } from '../../src/node/progress.ts';

/** A stream that records what is written to it. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = {
    isTTY,
    columns: 100,
    write(s: string) {
      writes.push(s);
      return true;
    },
    cursorTo() {
      return true;
    },
    clearLine() {
      return true;
    },
    moveCursor() {
      return true;
    },
    on() {
      return stream;
    },
    removeListener() {
      return stream;
    },
  };
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
}

const at = (done: number, total: number, elapsedMs: number): ProgressState => ({
  done,
  total,
  resumed: 0,
  elapsedMs,
});

describe('progress off a terminal (CI, logs)', () => {
  it('prints nothing for a job shorter than the interval, not even at the start or end', () => {
    const { stream, writes } = fakeStream(false);
    const p = createProgress('sweep', { stream });
    p.update(at(0, 9, 0));
    p.update(at(5, 9, 100));
    p.update(at(9, 9, 200));
    p.stop();
    expect(writes).toEqual([]);
  });

  it('a line every interval once one has passed, and a last line at the end', () => {
    const { stream, writes } = fakeStream(false);
    const p = createProgress('sweep', { stream });
    p.update(at(0, 100, 0));
    p.update(at(10, 100, 9_000));
    p.update(at(20, 100, 10_500)); // printed
    p.update(at(30, 100, 15_000));
    p.update(at(50, 100, 20_600)); // printed
    p.update(at(100, 100, 22_000));
    p.stop();
    p.stop(); // stopped twice (a signal, then the finally): one last line
    expect(writes.map((w) => w.trim())).toEqual([
      expect.stringMatching(/^sweep: 20\/100 runs \(20%\), 11 s elapsed, ETA/),
      expect.stringMatching(/^sweep: 50\/100 runs \(50%\), 21 s elapsed, ETA/),
      'sweep: 100/100 runs (100%), 22 s elapsed',
    ]);
  });
});

describe('progress on a terminal', () => {
  it('no bar for a job shorter than half a second', () => {
    const { stream, writes } = fakeStream(true);
    const p = createProgress('sweep', { stream });
    p.update(at(0, 9, 0));
    p.update(at(5, 9, 300));
    p.update(at(9, 9, 450));
    p.stop();
    expect(writes.join('')).not.toMatch(/sweep \[/);
  });

  it('the bar after half a second, cleared when it stops', () => {
    const { stream, writes } = fakeStream(true);
    const p = createProgress('sweep', { stream });
    p.update(at(0, 9, 0));
    p.update(at(3, 9, 600));
    p.update(at(9, 9, 900));
    p.stop();
    expect(writes.join('')).toMatch(/sweep \[/);
    // cleared: the line is erased (ESC[2K) at the end, not ended with a newline that leaves the
    // last frame on screen
    expect(writes[writes.length - 1]).toBe('\u001b[2K');
    expect(writes).not.toContain('\n');
  });
});
