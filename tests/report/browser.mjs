// Shared by the browser tests: runs dnacnn, opens a report in Debian's headless Chromium (never a
// downloaded browser) and collects everything that would make the report broken or unsafe.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// --dnacnn BIN --out DIR
export function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  if (!args.dnacnn || !args.out) throw new Error('usage: node <test>.mjs --dnacnn BIN --out DIR');
  fs.rmSync(args.out, { recursive: true, force: true });
  fs.mkdirSync(args.out, { recursive: true });
  return args;
}

// Runs dnacnn; a failure shows its stderr.
export function dnacnn(bin, args) {
  try {
    return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`dnacnn ${args.join(' ')} failed (exit ${e.status}):\n${e.stderr}`);
  }
}

function chromiumPath() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(`Chromium is missing (looked for ${candidates.join(', ')}). Install Debian's chromium ` +
                    '(`make test` does, via scripts/install-deps.sh test) or set CHROMIUM=/path/to/chromium.');
  }
  return found;
}

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (e) {
    throw new Error('playwright-core is missing: run `npm ci` in the repository root (`make` does). ' + e.message);
  }
}

// A fresh browser with its own profile; nothing is shared between runs.
export async function launchBrowser() {
  const { chromium } = await loadPlaywright();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dnacnn-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// Opens the report and waits until every chart is drawn. `problems` collects anything that
// must fail the test: console errors, page errors, dialogs (injected script ran), and any
// request other than the file itself or a data: URL.
export async function openReport(context, reportPath, problems, log = () => {}) {
  const fileUrl = pathToFileURL(path.resolve(reportPath)).href;
  const allowed = (url) => url.split('#')[0] === fileUrl || url.startsWith('data:');
  const page = await context.newPage();
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    problems.push(`request left the file: ${url}`);
    return route.abort();
  });
  page.on('request', (request) => { if (!allowed(request.url())) problems.push(`request left the file: ${request.url()}`); });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    else log(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened (injected script ran?): ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  const started = Date.now();
  await page.goto(fileUrl);
  await waitForCharts(page);
  return { page, wallMs: Date.now() - started };
}

// Waits for page.js to finish drawing; throws if a chart failed.
export async function waitForCharts(page) {
  await page.waitForFunction(() => ['rendered', 'failed'].includes(document.documentElement.dataset.reportState),
                             null, { timeout: 60_000 });
  const state = await page.evaluate(() => document.documentElement.dataset.reportState);
  if (state !== 'rendered') throw new Error(`the report's charts did not render (state: ${state})`);
}

// Name of each chart container and whether vega drew into it (an <svg> or a <canvas>).
export async function chartStatus(page) {
  return page.$$eval('[data-chart]', (els) => els.map((el) => ({
    name: el.dataset.chart,
    drawn: el.querySelector('svg.marks, canvas.marks') !== null,
  })));
}

// Lists every problem and sets a failing exit code, or prints the `ok` lines.
export function finish(problems, okLines) {
  if (problems.length > 0) {
    console.error(`FAILED: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  for (const line of okLines) console.log(line);
}
