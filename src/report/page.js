// Draws every chart of a dnacnn report with vega-embed. The specs sit in the page as JSON
// (#dnacnn-chart-specs); each <div data-chart="name"> gets one. When all are drawn,
// <html data-report-state> becomes "rendered" ("failed" if one could not be), for the browser test.
(function () {
  'use strict';
  const root = document.documentElement;
  const specs = JSON.parse(document.getElementById('dnacnn-chart-specs').textContent);
  const views = new Map();
  const baseOptions = {
    // The page's Content-Security-Policy forbids eval; Vega's interpreter needs none.
    ast: true,
    expr: vega.expressionInterpreter,
    // Export PNG/SVG only: the other actions open the online editor.
    actions: { export: true, source: false, compiled: false, editor: false },
  };

  function draw(container, spec) {
    const old = views.get(container);
    if (old) old.finalize();
    const options = Object.assign({}, baseOptions, { downloadFileName: container.dataset.chart });
    return vegaEmbed(container, spec, options).then(
      (result) => { views.set(container, result); },
      (error) => {
        views.delete(container);
        container.textContent = 'This chart could not be drawn: ' + error.message;
        container.classList.add('chart-error');
        throw error;
      });
  }

  function withLogScale(spec, on) {
    const copy = structuredClone(spec);
    const scale = Object.assign({}, copy.encoding.y.scale, { type: on ? 'log' : 'linear' });
    if (on) {
      delete scale.zero;  // a log scale has no zero
      scale.nice = false;  // rounding out to powers of ten would squash the curves
    }
    copy.encoding.y.scale = scale;
    return copy;
  }

  function track(jobs) {
    root.dataset.reportState = 'rendering';
    return Promise.all(jobs).then(
      () => {
        root.dataset.reportState = 'rendered';
        root.dataset.chartsRendered = String(views.size);
        // Milliseconds since the page started loading, the first time all charts were drawn.
        if (!root.dataset.renderMs) root.dataset.renderMs = String(Math.round(performance.now()));
      },
      (error) => {
        root.dataset.reportState = 'failed';
        console.error('dnacnn report: a chart could not be drawn:', error);
      });
  }

  const containers = Array.from(document.querySelectorAll('[data-chart]'));
  track(containers.map((c) => draw(c, specs[c.dataset.chart])));

  document.querySelectorAll('input[data-log-scale-for]').forEach((box) => {
    box.addEventListener('change', () => {
      const name = box.dataset.logScaleFor;
      const container = document.querySelector('[data-chart="' + CSS.escape(name) + '"]');
      track([draw(container, withLogScale(specs[name], box.checked))]);
    });
  });
})();
