// Browser test of the demo's report (the notebook and its exercises Q1-Q3): runs `dnacnn demo`
// with few epochs, then checks in headless Chromium that every chart draws, that the error
// analysis, the positional experiment and the learning-rate sweep are there, that the residual
// groups are the notebook's motifs, and that the page stays small. Saves report.png and
// sections/*.png.
import fs from 'node:fs';
import path from 'node:path';
import { chartStatus, dnacnn, finish, launchBrowser, openReport, parseArgs } from './browser.mjs';

const MAX_BYTES = 8 * 1024 * 1024;
const args = parseArgs(process.argv.slice(2));
const out = path.join(args.out, 'demo');
const log = (line) => fs.appendFileSync(path.join(args.out, 'browser.log'), line + '\n');
dnacnn(args.dnacnn, ['demo', '--out', out, '--epochs', '3', '--force', '--quiet']);
const reportPath = path.join(out, 'report.html');

const problems = [];
const bytes = fs.statSync(reportPath).size;
if (bytes > MAX_BYTES) problems.push(`report.html is ${bytes} bytes (limit ${MAX_BYTES})`);
for (const dir of ['q1-positional', 'q2-lr-sweep']) {
  if (!fs.existsSync(path.join(out, dir, 'report.html'))) problems.push(`${dir}/report.html is missing`);
}

const browser = await launchBrowser();
try {
  const { page, wallMs } = await openReport(browser.context, reportPath, problems, log);
  const charts = await chartStatus(page);
  for (const c of charts) if (!c.drawn) problems.push(`chart ${c.name} has no <svg> or <canvas>`);
  const names = charts.map((c) => c.name);
  const want = ['loss', 'predicted_vs_actual_deepcnn', 'residuals_cnn', 'residual_groups_cnn',
                'sweep_loss_linear', 'sweep_loss_cnn', 'sweep_r2_q2-lr-sweep', 'loss_q1-positional'];
  for (const name of want) if (!names.includes(name)) problems.push(`no chart ${name} (have ${names.join(', ')})`);

  const dom = await page.evaluate(() => ({
    sections: Array.from(document.querySelectorAll('main > section')).map((s) => s.id),
    text: document.body.innerText,
  }));
  for (const id of ['metrics', 'spot-checks', 'predictions', 'errors', 'set-q1-positional', 'set-q2-lr-sweep']) {
    if (!dom.sections.includes(id)) problems.push(`no section ${id} (have ${dom.sections.join(', ')})`);
  }
  for (const text of ['Q1: position-dependent motif scoring', 'Q2: learning-rate sweep', 'TAT + GCG',
                      'cnn_sgd_lr0.1_bs128_e3', 'worst-predicted']) {
    if (!dom.text.includes(text)) problems.push(`page text lacks ${JSON.stringify(text)}`);
  }
  // The residual-group chart's groups are the notebook rule's motif combinations.
  const groups = JSON.parse(fs.readFileSync(path.join(out, 'charts', 'residual_groups_cnn.vl.json'), 'utf8'))
    .data.values.map((v) => v.group).sort();
  if (groups.join('|') !== ['GCG', 'TAT', 'TAT + GCG', 'none'].sort().join('|')) {
    problems.push(`residual groups ${groups.join(', ')}`);
  }
  fs.mkdirSync(path.join(args.out, 'sections'), { recursive: true });
  for (const id of ['errors', 'set-q1-positional', 'set-q2-lr-sweep']) {
    await page.locator(`#${id}`).screenshot({ path: path.join(args.out, 'sections', `${id}.png`) });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(args.out, 'report.png'), fullPage: true });
  finish(problems, [`ok: ${charts.length} charts drawn (${wallMs} ms with page load), ${bytes} bytes; ` +
                    `sections ${dom.sections.join(', ')}`]);
} finally {
  await browser.close();
}
