/** The Node edge of the public API: files, rendering, runs on disk. */
export { loadScenario, parseScenarioText, type LoadedScenario } from './load.ts';
export { renderSvg, renderPng, svgToPng, exportChart } from './render.ts';
export { htmlPage } from './vega-bundle.ts';
export { writeFileAtomic } from './fs.ts';
export * from './runs.ts';
export {
  chartBundle,
  compactSvg,
  VEGA_LITE_V5_MIME,
  VEGA_LITE_V5_SCHEMA,
  type DisplayBundle,
} from './notebook.ts';
export { gatherReport, loadTheme, writeReport, reportFiles } from './report.ts';
export { createSweepPool, runSweep, mergeSweeps, readSweep, type SweepPool } from './sweep.ts';
export { tippingPoint, tune, loadSource, worldWith, finalMetrics } from './what-if.ts';
