#!/usr/bin/env node
// Runs an ONNX model with onnxruntime-node, op by op (graph optimisations
// disabled), on inputs described by a JSON manifest, and writes the raw
// outputs next to it. Used by ort_ref.py / make_golden.py to produce the
// golden outputs of Mote's sample models; not meant to be called by hand.
//
// Usage: node run_onnxruntime.js <model.onnx> <job_dir>
//
// <job_dir>/manifest.json:
//   {"runs": [{"inputs": [{"name": "input", "type": "float32",
//                          "dims": [1, 64], "file": "run0_in0.bin"}]}, ...]}
// Each input file holds the raw little-endian tensor data (row-major).
// For run i, output k is written to <job_dir>/run<i>_out<k>.bin and described
// in <job_dir>/result.json:
//   {"ort_version": "...", "runs": [{"outputs": [{"name", "type", "dims",
//                                                  "file"}]}, ...]}
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

function readTyped(file, type) {
  const Ctor = ARRAYS[type];
  if (!Ctor) throw new Error(`unsupported tensor type ${type}`);
  const buf = fs.readFileSync(file);
  if (buf.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
    throw new Error(`${file}: ${buf.byteLength} bytes is not a whole number of ${type}`);
  }
  // Copy into a fresh, aligned ArrayBuffer: a Buffer's byteOffset may not be
  // a multiple of the element size.
  const ab = new ArrayBuffer(buf.byteLength);
  new Uint8Array(ab).set(buf);
  return new Ctor(ab);
}

async function main() {
  const [modelPath, jobDir] = process.argv.slice(2);
  if (!modelPath || !jobDir) {
    console.error('usage: node run_onnxruntime.js <model.onnx> <job_dir>');
    process.exit(2);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(jobDir, 'manifest.json'), 'utf8'));
  const session = await ort.InferenceSession.create(modelPath, {
    graphOptimizationLevel: 'disabled',
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });

  const result = { ort_version: ort.env.versions.node || ort.env.versions.common, runs: [] };
  for (let i = 0; i < manifest.runs.length; i++) {
    const feeds = {};
    for (const inp of manifest.runs[i].inputs) {
      const data = readTyped(path.join(jobDir, inp.file), inp.type);
      feeds[inp.name] = new ort.Tensor(inp.type, data, inp.dims);
    }
    const out = await session.run(feeds);
    const outputs = [];
    session.outputNames.forEach((name, k) => {
      const t = out[name];
      const file = `run${i}_out${k}.bin`;
      const d = t.data;
      fs.writeFileSync(path.join(jobDir, file), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
      outputs.push({ name, type: t.type, dims: Array.from(t.dims), file });
    });
    result.runs.push({ outputs });
  }
  fs.writeFileSync(path.join(jobDir, 'result.json'), JSON.stringify(result, null, 1));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
