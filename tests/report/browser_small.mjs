// Browser test of a real report: simulates a small data set whose ids, target column, model name
// and spot-check header carry markup, trains two models with the real dnacnn, builds the report
// of that directory of runs, and checks in headless Chromium that every chart renders, nothing
// leaves the file, the console stays clean and the markup shows as text. Saves report.png and
// tooltip.png (a point hovered).
import fs from 'node:fs';
import path from 'node:path';
import { chartStatus, dnacnn, finish, launchBrowser, openReport, parseArgs, waitForCharts } from './browser.mjs';

const XSS_ID = '<img src=x onerror=alert(1)>';
const XSS_TARGET = 'score</script><script>alert(2)</script>';
const XSS_MODEL = 'cnn <img src=x onerror=alert(3)>';
const XSS_COLUMN = '<img src=x onerror=alert(4)>';

const args = parseArgs(process.argv.slice(2));
const out = args.out;
const log = (line) => fs.appendFileSync(path.join(out, 'browser.log'), line + '\n');

// Data: every 5-mer with an id column that is an XSS attempt.
dnacnn(args.dnacnn, ['simulate', '--k', '5', '--out', path.join(out, 'sim.tsv')]);
const simulated = fs.readFileSync(path.join(out, 'sim.tsv'), 'utf8').trim().split('\n').slice(1);
const data = [`id\tseq\t${XSS_TARGET}`, ...simulated.map((line, i) => `${XSS_ID} #${i}\t${line}`)].join('\n') + '\n';
fs.writeFileSync(path.join(out, 'data.tsv'), data);

// A directory of runs, like dnacnn demo writes.
const runs = path.join(out, 'runs');
const train = ['train', '--data', path.join(out, 'data.tsv'), '--epochs', '4', '--quiet'];
dnacnn(args.dnacnn, [...train, '--model', 'linear', '--out', path.join(runs, 'linear')]);
dnacnn(args.dnacnn, [...train, '--model', 'cnn', '--name', XSS_MODEL, '--out', path.join(runs, 'cnn')]);
fs.writeFileSync(path.join(runs, 'spot_checks.tsv'),
                 `group\tseq\tactual\tlinear\t${XSS_COLUMN}\npoly-A\tAAAAA\t20\t19.1\t19.9\n` +
                 `${XSS_ID}\tTATAA\t27.2\t22.5\t26.8\n`);
const written = dnacnn(args.dnacnn, ['report', runs, '--title', `Report <i>test</i>`]);
const reportPath = path.join(runs, 'report.html');

const problems = [];
if (!written.includes(reportPath)) problems.push(`dnacnn report did not name ${reportPath}: ${written}`);
for (const file of [path.join(runs, 'cnn', 'report.html'), path.join(runs, 'linear', 'report.html')]) {
  if (!fs.existsSync(file)) problems.push(`dnacnn train did not write ${file}`);
}
const chartFiles = fs.readdirSync(path.join(runs, 'charts')).sort();
for (const f of chartFiles) JSON.parse(fs.readFileSync(path.join(runs, 'charts', f), 'utf8'));
// Loss and validation scores per epoch (the rate is constant: no rate chart), then predicted vs
// actual and residuals for each model.
if (chartFiles.length !== 6) problems.push(`expected 6 chart specs in charts/, found ${chartFiles.join(', ')}`);
if (!chartFiles.includes('val_scores.vl.json')) problems.push(`no val_scores chart in ${chartFiles.join(', ')}`);

const browser = await launchBrowser();
try {
  const { page, wallMs } = await openReport(browser.context, reportPath, problems, log);
  const charts = await chartStatus(page);
  if (charts.length !== 6) problems.push(`expected 6 charts, found ${charts.map((c) => c.name).join(', ')}`);
  for (const c of charts) if (!c.drawn) problems.push(`chart ${c.name} has no <svg> or <canvas>`);

  // The markup must be on the page as text, and never as elements.
  const dom = await page.evaluate(() => ({
    images: document.querySelectorAll('img').length,
    scripts: document.scripts.length,
    text: document.body.innerText,
    title: document.title,
    sections: Array.from(document.querySelectorAll('main > section')).map((s) => s.id),
  }));
  if (dom.images !== 0) problems.push(`${dom.images} <img> element(s) on the page: markup was injected`);
  if (dom.scripts !== 5) problems.push(`expected 5 <script> elements, found ${dom.scripts}`);
  for (const text of [XSS_MODEL, XSS_COLUMN, XSS_TARGET, XSS_ID]) {
    if (!dom.text.includes(text)) problems.push(`page text lacks ${JSON.stringify(text)} (should show as text)`);
  }
  if (dom.title !== 'Report <i>test</i>') problems.push(`title is ${JSON.stringify(dom.title)}`);
  const sections = ['metrics', 'loss', 'spot-checks', 'predictions', 'errors', 'runs'];
  if (dom.sections.join() !== sections.join()) problems.push(`sections ${dom.sections.join()}, want ${sections.join()}`);

  // A tooltip shows a test point's id as text.
  await page.hover('[data-chart^="predicted_vs_actual_cnn"] svg .mark-symbol path');
  const tooltip = await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 }).catch(() => null);
  if (!tooltip) problems.push('hovering a point showed no tooltip');
  else {
    const tip = await tooltip.evaluate((el) => ({ text: el.innerText, images: el.querySelectorAll('img').length }));
    if (!tip.text.includes(XSS_ID) || tip.images !== 0) problems.push(`tooltip: ${JSON.stringify(tip)}`);
    await page.locator('#predictions').screenshot({ path: path.join(out, 'tooltip.png') });
  }
  await page.evaluate(() => window.scrollTo(0, 0));  // the sticky table of contents belongs at the top
  await page.screenshot({ path: path.join(out, 'report.png'), fullPage: true });

  // The log-scale toggle redraws the loss chart.
  await page.check('input[data-log-scale-for="loss"]');
  await waitForCharts(page);
  const scale = await page.evaluate(() => document.querySelector('[data-chart="loss"] svg').textContent);
  log(`loss chart text with log scale: ${scale.slice(0, 200)}`);
  if ((await chartStatus(page)).some((c) => !c.drawn)) problems.push('a chart is gone after the log-scale toggle');

  // The report dnacnn train wrote for a single run opens as well.
  const single = await openReport(browser.context, path.join(runs, 'cnn', 'report.html'), problems, log);
  if ((await chartStatus(single.page)).some((c) => !c.drawn)) problems.push('cnn/report.html: a chart was not drawn');

  const renderMs = await page.evaluate(() => document.documentElement.dataset.renderMs);
  finish(problems, [
    `ok: ${charts.length} charts drawn in ${renderMs} ms (${wallMs} ms with page load); no request left the file;`,
    `    markup in ids, names and columns shows as text; screenshot ${path.join(out, 'report.png')}`,
  ]);
} finally {
  await browser.close();
}
