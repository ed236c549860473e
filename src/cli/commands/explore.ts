/**
 * `rewardmix explore`: the interactive explorer in a browser. Builds the page (vite) when
 * dist/explorer is missing or older than its sources, serves it on 127.0.0.1 only and prints the
 * URL; Ctrl-C stops the server.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import {
  buildExplorer,
  EXPLORER_OUT,
  explorerStaleReason,
  REPO_ROOT,
} from '../../node/explorer-build.ts';
import { serveStatic } from '../../node/static-server.ts';
import { InputError } from '../../scenario/errors.ts';
import { parseCount } from '../../node/runs.ts';

interface ExploreFlags {
  port: string;
  rebuild?: boolean;
}

export const DEFAULT_PORT = 4178;

const EXAMPLES = `
Examples:
  $ rewardmix explore
  $ rewardmix explore --port 8080

Opens nothing by itself: visit the printed URL. The page also works without the server:
open dist/explorer/index.html from disk, or copy dist/explorer to any static host.
Links keep the whole view: #preset=april-2025-update&thumbs=1.5&hide=beta,trainer`;

/** Resolves when the process gets Ctrl-C (SIGINT) or SIGTERM. */
function untilInterrupted(): Promise<string> {
  return new Promise((ok) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      ok(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export function register(program: Command): void {
  program
    .command('explore')
    .description('serve the interactive explorer on 127.0.0.1 (builds it first when needed)')
    .option('--port <n>', 'port to listen on (0: any free port)', String(DEFAULT_PORT))
    .option('--rebuild', 'build the page even when it is up to date')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: ExploreFlags) => {
      const port = parseCount(flags.port, '--port', 0, 65535);
      const stale = flags.rebuild ? 'asked to rebuild' : explorerStaleReason();
      if (stale) {
        process.stderr.write(`building the explorer (${stale})…\n`);
        await buildExplorer();
        process.stderr.write(`built ${relative(REPO_ROOT, EXPLORER_OUT)}/\n`);
      }
      let server;
      try {
        server = await serveStatic(EXPLORER_OUT, port);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES')
          throw new InputError(
            '--port',
            `cannot listen on 127.0.0.1:${port} (${code === 'EADDRINUSE' ? 'already in use' : 'permission denied'}); pick another with --port N, or --port 0 for any free port`,
          );
        throw e;
      }
      process.stdout.write(`rewardmix explorer: ${server.url}\n`);
      process.stderr.write('(Ctrl-C stops the server)\n');
      await untilInterrupted();
      await server.close();
      process.stderr.write('stopped\n');
    });
}
