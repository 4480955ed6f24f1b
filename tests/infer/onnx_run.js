// Runs dnacnn's ONNX exports in onnxruntime-node for tests/infer/onnx_export_test.cpp.
// argv[2]: JSON [{"model": path, "length": L, "batches": [[one-hot floats, rows x L x 4], ...]}, ...];
// argv[3]: written with, per model and batch, the output's dims and values, and the graph's
// input and output names.
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const results = [];
  for (const job of jobs) {
    const session = await ort.InferenceSession.create(job.model);
    const runs = [];
    for (const batch of job.batches) {
      const rows = batch.length / (job.length * 4);
      const x = new ort.Tensor('float32', Float32Array.from(batch), [rows, job.length, 4]);
      const out = await session.run({x});
      runs.push({dims: out.y.dims.map(Number), values: Array.from(out.y.data)});
    }
    results.push({inputs: session.inputNames, outputs: session.outputNames, runs});
  }
  fs.writeFileSync(process.argv[3], JSON.stringify(results));
}

main().catch((e) => {
  console.error(String(e && e.message ? e.message : e).split('\n')[0]);
  process.exit(1);
});
