// Smoke test of the e2e harness itself: a trivial page served from 127.0.0.1 loads in chromium
// with no console errors and no request leaving the machine; and the helpers do notice errors
// and external requests when a page has them.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockExternalRequests,
  collectConsoleErrors,
  launchBrowser,
  type LaunchedBrowser,
} from './browser.ts';
import { serveFolder, type StaticServer } from './serve.ts';

const outDir = join(process.cwd(), 'test-output', 'e2e');

describe('e2e harness smoke', () => {
  let site: string;
  let server: StaticServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    site = mkdtempSync(join(tmpdir(), 'rewardmix-site-'));
    writeFileSync(
      join(site, 'index.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>smoke</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="style.css"></head>
<body><h1 id="title">rewardmix smoke</h1><p id="out"></p><script src="app.js"></script></body></html>`,
    );
    writeFileSync(join(site, 'style.css'), 'body { font-family: sans-serif; margin: 2rem; }');
    writeFileSync(
      join(site, 'app.js'),
      `fetch('data.json').then((r) => r.json()).then((d) => {
  document.getElementById('out').textContent = 'value ' + d.value;
});`,
    );
    writeFileSync(join(site, 'data.json'), JSON.stringify({ value: 42 }));
    writeFileSync(
      join(site, 'leaky.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>leaky</title>
<link rel="icon" href="data:,"></head><body><img src="https://example.com/pixel.png" alt="">
<script>console.error('deliberate error'); fetch('http://203.0.113.7/beacon').catch(() => {});</script></body></html>`,
    );
    server = await serveFolder(site);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(site, { recursive: true, force: true });
  });

  it('serves only inside the folder', async () => {
    expect((await fetch(new URL('data.json', server.url))).status).toBe(200);
    expect((await fetch(new URL('missing.txt', server.url))).status).toBe(404);
    expect((await fetch(`${server.url}..%2f..%2f..%2fetc%2fpasswd`)).status).toBe(403);
  });

  it('loads a local page with no console errors and no external requests', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    const blocked = await blockExternalRequests(page);
    await page.goto(server.url);
    await expect.poll(() => page.textContent('#out')).toBe('value 42');
    expect(await page.title()).toBe('smoke');
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(server.requests).toEqual(expect.arrayContaining(['/', '/app.js', '/data.json']));
    mkdirSync(outDir, { recursive: true });
    const shot = join(outDir, 'smoke.png');
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(1000);
    await page.close();
  });

  it('notices console errors and blocks requests leaving 127.0.0.1', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    const blocked = await blockExternalRequests(page);
    await page.goto(new URL('leaky.html', server.url).href);
    await expect.poll(() => blocked.length).toBe(2);
    expect([...blocked].sort()).toEqual([
      'http://203.0.113.7/beacon',
      'https://example.com/pixel.png',
    ]);
    expect(errors.some((e) => e.includes('deliberate error'))).toBe(true);
    await page.close();
  });
});
