// Browser harness for e2e tests: playwright-core driving Debian's chromium (no browser download),
// headless, with a fresh profile per launch and Chromium's own background traffic switched off,
// plus helpers that collect console errors and block (and record) requests leaving 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; override with CHROMIUM_PATH elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface LaunchedBrowser {
  context: BrowserContext;
  /** The throw-away profile folder (removed by close). */
  userDataDir: string;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Starts headless chromium with a fresh temp profile. */
export async function launchBrowser(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<LaunchedBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'rewardmix-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      locale: 'en-US',
      timezoneId: 'UTC',
      serviceWorkers: 'block',
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    userDataDir,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Console errors and uncaught page exceptions, collected as they happen. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const at = msg.location();
      errors.push(`console.error: ${msg.text()}${at.url ? ` (${at.url}:${at.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return errors;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Fails every request whose host is not 127.0.0.1 / localhost and records its URL (data: and
 * blob: URLs never reach the network and are not routed). Apply to the context to also cover
 * popups and workers' fetches.
 */
export async function blockExternalRequests(target: Page | BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await target.route('**/*', (route) => {
    const url = route.request().url();
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      // unparsable: treat as external
    }
    if (LOCAL_HOSTS.has(host)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  await target.routeWebSocket(/.*/, (ws) => {
    const host = new URL(ws.url()).hostname;
    if (LOCAL_HOSTS.has(host)) return ws.connectToServer();
    blocked.push(ws.url());
    return ws.close();
  });
  return blocked;
}
