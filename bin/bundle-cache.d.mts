// Types of bin/bundle-cache.mjs (plain JavaScript, used before tsx is loaded).
export declare const ROOT: string;
export declare const bundlesDisabled: () => boolean;
export interface Esbuild {
  version: string;
  buildSync(options: Record<string, unknown>): { metafile?: { inputs: Record<string, unknown> } };
  build(
    options: Record<string, unknown>,
  ): Promise<{ metafile?: { inputs: Record<string, unknown> } }>;
}
export declare function loadEsbuild(): Esbuild | null;
export declare function bundleKey(esbuildVersion: string, dirs: string[]): string;
export declare const importMetaUrlPlugin: { name: string; setup(build: unknown): void };
export interface CachedBundle {
  file: string | null;
  reason: string;
}
export declare function cachedBundleSync(
  name: string,
  dirs: string[],
  entry: string,
  options: Record<string, unknown>,
): CachedBundle;
export declare function cachedBundle(
  name: string,
  dirs: string[],
  entry: string,
  options: Record<string, unknown>,
): Promise<CachedBundle>;
export declare const BASE_OPTIONS: Record<string, unknown>;
export declare const CLI_OPTIONS: Record<string, unknown>;
