/**
 * Progress of long jobs on stderr: a bar with an ETA on a terminal (cli-progress), and on
 * anything else (a log file, CI, a batch job) a plain line every 10 s once 10 s have passed, and
 * one at the end if any was printed.
 * The ETA counts only the runs done by this process, so a resumed sweep's estimate is honest.
 */
import cliProgress from 'cli-progress';

export interface ProgressState {
  done: number;
  total: number;
  /** Done before this process started (a resumed sweep). */
  resumed: number;
  elapsedMs: number;
}

export interface ProgressReporter {
  update(p: ProgressState): void;
  stop(): void;
}

/** Seconds as `1 h 02 m`, `3 m 05 s` or `12 s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h) return `${h} h ${String(m).padStart(2, '0')} m`;
  if (m) return `${m} m ${String(r).padStart(2, '0')} s`;
  return `${r} s`;
}

/** Seconds left at the rate of this process's runs so far (NaN before the first). */
export function etaSeconds(p: ProgressState): number {
  const mine = p.done - p.resumed;
  if (mine <= 0) return NaN;
  return ((p.total - p.done) * p.elapsedMs) / mine / 1000;
}

/** A one-line summary: `sweep: 120/441 runs (27%), 6 s elapsed, ETA 17 s`. */
export function progressLine(label: string, p: ProgressState): string {
  const pct = p.total ? Math.floor((100 * p.done) / p.total) : 100;
  const resumed = p.resumed ? `, ${p.resumed} resumed` : '';
  const eta = p.done < p.total ? `, ETA ${formatDuration(etaSeconds(p))}` : '';
  return `${label}: ${p.done}/${p.total} runs (${pct}%${resumed}), ${formatDuration(p.elapsedMs / 1000)} elapsed${eta}`;
}

/**
 * The reporter for `stream`; silent when `quiet`. On a terminal, a bar drawn once the job has
 * taken `delayMs` (0.5 s) and cleared when it stops, so a short job leaves nothing on screen.
 * Otherwise (a log file, CI, a batch job), a plain line once the job has taken `intervalMs`
 * (10 s) and every `intervalMs` after, and a last line at the end only if one was printed: a
 * short job prints nothing.
 */
export function createProgress(
  label: string,
  options: {
    stream?: NodeJS.WriteStream;
    quiet?: boolean;
    intervalMs?: number;
    delayMs?: number;
  } = {},
): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const delay = options.delayMs ?? 500;
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} runs | {elapsed} elapsed | ETA {etaText}`,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = {
          etaText: p.done < p.total ? formatDuration(etaSeconds(p)) : '0 s',
          elapsed: formatDuration(p.elapsedMs / 1000),
        };
        if (!started) {
          if (p.elapsedMs < delay || p.done >= p.total) return;
          bar.start(p.total, p.done, payload);
          started = true;
        } else bar.update(p.done, payload);
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  const every = options.intervalMs ?? 10_000;
  let next = every;
  let latest: ProgressState | null = null;
  let printed = false;
  let printedLatest = false;
  return {
    update(p) {
      latest = p;
      printedLatest = false;
      if (p.elapsedMs >= next) {
        stream.write(progressLine(label, p) + '\n');
        next = p.elapsedMs + every;
        printed = true;
        printedLatest = true;
      }
    },
    stop() {
      if (printed && latest && !printedLatest) stream.write(progressLine(label, latest) + '\n');
      printedLatest = true;
    },
  };
}
