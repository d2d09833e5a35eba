// Runs the same kernel cases on the relaxed-SIMD and the plain-SIMD builds and prints whether every
// output is bit-identical, as JSON. A script of its own: Node 20 runs relaxed SIMD only behind
// --experimental-wasm-relaxed-simd, so the test starts it in a child process where it must.
import { simdSupport } from '../../../../src/engines/llm/wasm-decoder/kernels/instance.ts';
import { activations, kernelBench, multiply, placeQ4, q4Matrix, quantizeRows } from './kernel-cases.ts';

function run(flavour: 'relaxed' | 'plain'): Float32Array[] {
  const outputs: Float32Array[] = [];
  for (const [index, extreme] of [false, true].entries()) {
    const bench = kernelBench(flavour);
    const m = placeQ4(bench, q4Matrix(20, 128, 11 + index, 32, extreme));
    for (const rows of [1, 5]) {
      const q = quantizeRows(bench, activations(rows, 128, 7 + rows, extreme));
      outputs.push(multiply(bench, m, q, rows));
      outputs.push(new Float32Array(bench.heap.u8.slice(q.xq, q.xq + rows * 128).buffer));
    }
  }
  return outputs;
}

const relaxed = simdSupport().relaxed;
let identical = false;
if (relaxed) {
  const a = run('relaxed');
  const b = run('plain');
  identical = a.every((out, i) => out.length === b[i]!.length && out.every((v, j) => Object.is(v, b[i]![j])));
}
console.log(JSON.stringify({ relaxed, identical }));
