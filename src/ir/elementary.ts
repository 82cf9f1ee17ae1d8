/**
 * sin, cos, exp and log for the CPU back ends, written in the graph's text form (src/ir/graph.ts) over the primitives
 * + − * /, floor, comparisons and exp2i, so that the JavaScript and WebAssembly SIMD lowerings compute them with the
 * same operations and return the same bits (WebAssembly has no vector sin, cos or exp; a per-lane call of Math.sin
 * costs more than the whole polynomial). Measured against JavaScript's own (test/ir/elementary.test.ts, 100,000
 * points per range): sin and cos within 1 ulp of Math.sin, Math.cos on [−10, 10] and 2 ulp on [−1e5, 1e5], absolute
 * error below 1e-15 at multiples of π/2 up to 2e4·π; exp within 1 ulp of Math.exp on [−700, 709.78]; log within 1 ulp
 * of Math.log on (0, 1e300] and at subnormals. Being the toolkit's own, they give the same bits in every JavaScript
 * engine (Math's last bits differ between V8 versions and browsers).
 *
 * sin and cos (|a| ≤ 2²⁰·π/2 ≈ 1.6e6; beyond, the reduction's error grows with |a|):
 *   k = round(a·2/π) (round half to even by adding and subtracting 1.5·2⁵², exact for |a·2/π| < 2⁵¹),
 *   r = a − k·P₁ − k·P₂ − k·P₃ − k·P₄ with π/2 = P₁ + P₂ + P₃ + P₄ + … (fdlibm's split: P₁…P₃ of 33 bits, each
 *   k·Pᵢ exact; P₄ the rest), |r| ≤ π/4,
 *   sin r ≈ r + r³·S(r²) and cos r ≈ 1 − (r²/2 − r⁴·C(r²)) with fdlibm's minimax coefficients (error < 2⁻⁵⁸),
 *   and the quadrant q = k mod 4 picks ±sin r or ±cos r (cos a = sin(a + π/2): the quadrant of k + 1), read off the
 *   low bits of a·2/π + 1.5·2⁵² (graph.ts `quadrant`).
 * exp:
 *   k = round(a·log₂e), r = a − k·L₁ − k·L₂ with ln 2 = L₁ + L₂ (L₁ with 32 trailing zero bits, k·L₁ exact),
 *   |r| ≤ ln2/2, eʳ = 1 − (r·c/(c − 2) − r) with fdlibm's rational approximation c = r − r²·P(r²) (error < 2⁻⁵⁹),
 *   scaled by 2·2^(k−1) (so that k = 1024
 *   still scales by a normal power of two); ∞ above 709.782712893384 (where exp overflows), 0 below −707 (true values
 *   below 1e-307 flush to 0; Math.exp returns them down to 5e-324).
 * log1p(a) = log(1 + a) − ((1 + a) − 1 − a)/(1 + a) (the rounding of 1 + a corrected), within 1 ulp of Math.log1p
 * at 400,000 points on [−0.9, 1e300].
 * log (the reduction and polynomial of fdlibm's __ieee754_log, in its branch-free form):
 *   a = 2^k·m with m ∈ [√2/2, √2) (expo, mant: adding 0x95f62 = 0x3ff00000 − 0x3fe6a09e to the high word carries
 *   into the exponent exactly when the significand is ≥ √2; subnormals are first scaled by 2⁵⁴), f = m − 1,
 *   s = f/(2 + f), log(1 + f) = f − f²/2 + s·(f²/2 + R(s²)) with fdlibm's minimax R (error < 2⁻⁵⁸·⁴⁵), and
 *   log a = s·(f²/2 + R) + k·L₂ − f²/2 + f + k·L₁ (ln 2 = L₁ + L₂ as in exp).
 * NaN gives NaN, sin(±∞) = cos(±∞) = NaN, exp(−∞) = 0, exp(∞) = ∞, sin(−0) = −0, log(±0) = −∞, log(∞) = ∞,
 * log(a < 0) = NaN, as Math's.
 */

const word = new Float64Array(1);
const high = new Uint32Array(word.buffer, 4, 1);
/** The high word of a's bits plus 0x95f62 (mod 2³²): log's reduction (above). */
function shifted(a: number): number {
  word[0] = a;
  return (high[0] + 0x95f62) >>> 0;
}
/** k of a = 2^k·m, m ∈ [√2/2, √2), for positive normal a (for other a some number; the expansion discards it). */
export function expo(a: number): number {
  return (shifted(a) >>> 20) - 1023;
}
/** m of a = 2^k·m (expo): the significand with the exponent field set to 0x3fe or 0x3ff, low word unchanged. */
export function mant(a: number): number {
  const hx = shifted(a);
  high[0] = ((hx & 0xfffff) + 0x3fe6a09e) >>> 0;
  return word[0];
}

export interface Expansion {
  constants: Record<string, number>;
  /** Assignments over the argument `a`; the result is `y`. */
  steps: string[];
}

/** 1.5·2⁵²: x + RND − RND rounds x to the nearest integer, ties to even, for |x| < 2⁵¹. */
const RND = 6755399441055744;

const TRIG = {
  TWO_OVER_PI: 2 / Math.PI,
  TINY: 2 ** -54,
  RND,
  // fdlibm's pio2_1, pio2_2, pio2_3: π/2 in 33-bit parts.
  P1: 1.5707963267341256,
  P2: 6.077100506303966e-11,
  P3: 2.0222662487111665e-21,
  P4: 8.4784276603689e-32,
  // fdlibm's __kernel_sin and __kernel_cos coefficients.
  S1: -0.16666666666666632,
  S2: 0.00833333333332249,
  S3: -0.0001984126982985795,
  S4: 0.0000027557313707070068,
  S5: -2.5050760253406863e-8,
  S6: 1.58969099521155e-10,
  C1: 0.0416666666666666,
  C2: -0.001388888888887411,
  C3: 0.00002480158728947673,
  C4: -2.7557314351390663e-7,
  C5: 2.087572321298175e-9,
  C6: -1.1359647557788195e-11,
};

/** r, its sine and cosine polynomials and the quadrant of k (+ shift). */
const trig = (shift: 0 | 1) => [
  't = a * TWO_OVER_PI + RND',
  'k = t - RND',
  'r = a - k * P1 - k * P2 - k * P3 - k * P4',
  'z = r * r',
  // |r| < 2⁻²⁷: sin r rounds to r (and keeps the sign of −0).
  's = z < TINY ? r : r + z * r * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))))',
  'c = 1 - (0.5 * z - z * z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6))))))',
  `y = quadrant${shift}(t, s, c)`,
];

/** fdlibm's __ieee754_exp coefficients: e^r = 1 + 2r/(2 − R) with R = r − r²·(P₁ + r²·(P₂ + … + r²·P₅)). */
const P = {
  P1: 0.16666666666666602,
  P2: -0.0027777777777015593,
  P3: 0.00006613756321437934,
  P4: -0.0000016533902205465252,
  P5: 4.1381367970572385e-8,
};

/** fdlibm's __ieee754_log coefficients Lg1 … Lg7. */
const LG = {
  LG1: 0.6666666666666735,
  LG2: 0.3999999999940942,
  LG3: 0.2857142874366239,
  LG4: 0.22222198432149784,
  LG5: 0.1818357216161805,
  LG6: 0.15313837699209373,
  LG7: 0.14798198605116586,
};

export const ELEMENTARY: Record<string, Expansion | undefined> = {
  sin: { constants: TRIG, steps: trig(0) },
  cos: { constants: TRIG, steps: trig(1) },
  exp: {
    constants: { LOG2E: Math.LOG2E, RND, L1: 0.6931471803691238, L2: 1.9082149292705877e-10, HI: 709.782712893384, LO: -707, INF: Number.POSITIVE_INFINITY, ...P },
    steps: [
      'k = a * LOG2E + RND - RND',
      'r = a - k * L1 - k * L2',
      't = r * r',
      'c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))))',
      'p = 1 - (r * c / (c - 2) - r)',
      // k − 1 is in [−1021, 1023] wherever e is chosen below (elsewhere exp2i's result is discarded).
      'e = p * 2 * exp2i(k - 1)',
      'y = a > HI ? INF : a < LO ? 0 : e',
    ],
  },
  // log1p(a) = log(u) − ((u − 1) − a)/u with u = 1 + a: the rounding of u corrected to first order (exact where
  // u − 1 is), a itself where u rounds to 1; −∞ at −1, NaN below, ∞ at ∞, −0 at −0, as Math.log1p.
  log1p: {
    constants: { INF: Number.POSITIVE_INFINITY, NINF: Number.NEGATIVE_INFINITY },
    steps: ['u = 1 + a', 'c = log(u) - ((u - 1) - a) / u', 'y = u == 1 ? a : a == INF ? INF : a == -1 ? NINF : c'],
  },
  log: {
    constants: { MINNORM: 2 ** -1022, TWO54: 2 ** 54, L1: 0.6931471803691238, L2: 1.9082149292705877e-10, INF: Number.POSITIVE_INFINITY, NINF: Number.NEGATIVE_INFINITY, NAN: Number.NaN, ...LG },
    steps: [
      'b = a < MINNORM ? a * TWO54 : a',
      'k = expo(b) - (a < MINNORM ? 54 : 0)',
      'f = mant(b) - 1',
      'hfsq = 0.5 * f * f',
      's = f / (2 + f)',
      'z = s * s',
      'w = z * z',
      'r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6))',
      'c = s * (hfsq + r) + k * L2 - hfsq + f + k * L1',
      'y = a > 0 ? (a < INF ? c : a) : a == 0 ? NINF : NAN',
    ],
  },
};
