// Browser test at scale: a run whose test split has 1,000,000 rows (files written here, no
// training). The report must stay under 20 MB, say on the chart that it shows a sample, and
// draw every chart within 3 s of starting to load. Saves report.png.
import fs from 'node:fs';
import path from 'node:path';
import { chartStatus, dnacnn, finish, launchBrowser, openReport, parseArgs } from './browser.mjs';

const ROWS = 1_000_000;
const MAX_BYTES = 20 * 1024 * 1024;
const MAX_RENDER_MS = 3000;

const args = parseArgs(process.argv.slice(2));
const run = path.join(args.out, 'run');
fs.mkdirSync(run);

// A small deterministic generator (xorshift32), so every run writes the same files.
let state = 2463534242;
const random = () => {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
};
const bases = 'ACGT';
let chunk = 'id\tseq\tsplit\tactual\tpredicted\n';
const fd = fs.openSync(path.join(run, 'predictions.tsv'), 'w');
for (let i = 0; i < ROWS; ++i) {
  let seq = '';
  for (let j = 0; j < 20; ++j) seq += bases[(random() * 4) | 0];
  const actual = 10 + 10 * random();
  const predicted = actual + (random() - 0.5) * 3;
  chunk += `seq${i}\t${seq}\ttest\t${actual.toFixed(4)}\t${predicted.toFixed(4)}\n`;
  if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
}
fs.writeSync(fd, chunk);
fs.closeSync(fd);
let history = 'epoch\ttrain_loss\tval_loss\tseconds\n';
for (let e = 1; e <= 50; ++e) history += `${e}\t${(5 / e + 0.7).toFixed(4)}\t${(5 / e + 0.8).toFixed(4)}\t1.0\n`;
fs.writeFileSync(path.join(run, 'history.tsv'), history);
const params = { arch: 'cnn', epochs: 50, seed: 17, split_seed: 42, threads: 1, device: 'cpu' };
fs.writeFileSync(path.join(run, 'metrics.json'), JSON.stringify({ models: { cnn: {
  test: { n: ROWS, mse: 0.75, r2: 0.91, pearson: 0.95, spearman: 0.95 }, train_seconds: 100, epochs: 50,
  status: 'ok', params } } }));
fs.writeFileSync(path.join(run, 'run.json'), JSON.stringify({ name: 'cnn', dnacnn_version: 'test', command: 'made by browser_large.mjs',
  finished: '2025-01-01T00:00:00Z', data: { source: 'big.tsv', rows: ROWS, length: 20, target: 'score' }, params }));

const started = Date.now();
dnacnn(args.dnacnn, ['report', run]);
const reportMs = Date.now() - started;
const reportPath = path.join(run, 'report.html');
const bytes = fs.statSync(reportPath).size;

const problems = [];
if (bytes >= MAX_BYTES) problems.push(`report.html is ${bytes} bytes, over ${MAX_BYTES}`);
const browser = await launchBrowser();
try {
  const { page, wallMs } = await openReport(browser.context, reportPath, problems);
  const renderMs = Number(await page.evaluate(() => document.documentElement.dataset.renderMs));
  if (!(renderMs < MAX_RENDER_MS)) problems.push(`charts took ${renderMs} ms to draw (limit ${MAX_RENDER_MS} ms)`);
  const charts = await chartStatus(page);
  // Loss, predicted vs actual, and the residual chart of the error analysis.
  if (charts.length !== 3 || charts.some((c) => !c.drawn)) problems.push(`charts: ${JSON.stringify(charts)}`);
  const subtitle = await page.evaluate(() => JSON.parse(document.getElementById('dnacnn-chart-specs').textContent)
    .predicted_vs_actual_cnn.title.subtitle.join(' '));
  if (!subtitle.includes('sample of 10,000 of 1,000,000')) problems.push(`the chart does not say it is sampled: ${subtitle}`);
  await page.screenshot({ path: path.join(args.out, 'report.png'), fullPage: true });
  finish(problems, [
    `ok: ${ROWS.toLocaleString('en')} test rows; dnacnn report took ${reportMs} ms; report.html is ` +
      `${(bytes / 1e6).toFixed(2)} MB; charts drawn in ${renderMs} ms (${wallMs} ms with page load)`,
  ]);
} finally {
  await browser.close();
}
