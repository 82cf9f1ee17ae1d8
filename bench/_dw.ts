import { doubleWell } from '../src/surfaces/index.ts';
for (const d of [1, 2, 5]) {
  const s = doubleWell(d, 7);
  const x = Float64Array.from({ length: d }, (_, i) => 0.3 + 0.17 * i - 0.4 * (i % 2));
  const g = s.gradient(x);
  const h = 1e-6;
  let eg = 0, eh = 0;
  const H = s.hessian(x);
  for (let i = 0; i < d; i++) {
    const a = Float64Array.from(x); a[i] += h; const b = Float64Array.from(x); b[i] -= h;
    eg = Math.max(eg, Math.abs((s.value(a) - s.value(b)) / (2 * h) - g[i]));
    const ga = s.gradient(a, new Float64Array(d)), gb = s.gradient(b, new Float64Array(d));
    for (let j = 0; j < d; j++) eh = Math.max(eh, Math.abs((ga[j] - gb[j]) / (2 * h) - H.get(i, j)));
  }
  console.log(d, eg, eh, s.value(s.minima.flat), s.value(s.minima.sharp), s.hessian(s.minima.sharp).to2DArray()[0]);
}
