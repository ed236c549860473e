/**
 * Text laid out for a chart whose renderer does not wrap: a subtitle made of parts, as many to a
 * line as fit `width` pixels. A character in the theme's font size is about 0.55 of that size wide
 * (DejaVu Sans, the font the PNGs are drawn with, averages 0.52–0.58 over the subtitles' text),
 * so the subtitle does not make the chart wider than its plot.
 */
export function wrapParts(
  parts: string[],
  width: number,
  fontSize: number,
  separator = '; ',
): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const line = lines.length ? lines[lines.length - 1] : null;
    if (line !== null && (line + separator + part).length * 0.55 * fontSize <= width)
      lines[lines.length - 1] = line + separator + part;
    else lines.push(part);
  }
  return lines;
}

/** A subtitle's lines as vega-lite takes them: none, one string, or several lines. */
export function oneOrLines(lines: string[]): string | string[] | undefined {
  return lines.length === 0 ? undefined : lines.length === 1 ? lines[0] : lines;
}

/** Display names of the shipped signals (the explorer's weight controls and the what-if axes). */
export const SIGNAL_NAMES: Record<string, string> = {
  spec: 'Model spec',
  thumbs: 'Thumbs up / down',
  correctness: 'Correctness',
  memory: 'Memory personalization',
};

/**
 * An axis title for a scenario path a what-if chart varies: a mix weight by its signal's name,
 * with the path the user typed after it ("Thumbs up / down weight (mix.weights.thumbs)"); any
 * other path as it is.
 */
export function paramTitle(path: string): string {
  const m = /^mix\.weights\.([^.]+)$/.exec(path);
  if (!m) return path;
  return `${SIGNAL_NAMES[m[1]] ?? m[1]} weight (${path})`;
}
