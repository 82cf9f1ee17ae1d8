// Build and run: gcc -O3 -march=native -o /tmp/fused bench/fused-reference.c && /tmp/fused [N T] (default 100000 200)
// Calibrates what one core of the machine does on the engine bench's Rosenbrock workload in plain C (no band histograms).
// Reference: fused masked SGD-momentum on 2-D Rosenbrock with Philox4x32-10 masks, float64, N x T, one core.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
static inline void philox(uint32_t c[4], uint32_t k0, uint32_t k1) {
  for (int r = 0; r < 10; r++) {
    uint64_t p0 = (uint64_t)0xD2511F53u * c[0], p1 = (uint64_t)0xCD9E8D57u * c[2];
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k1;
    c[1] = (uint32_t)p1; c[3] = (uint32_t)p0; c[0] = n0; c[2] = n2;
    k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
  }
}
// DropGrad's decision (src/rng/keyed.ts): half j of the mask block against thr's high half; on a tie, the refine
// stream's half j against its low half (W = H·2^16 + R >= thr).
static inline int kept(uint32_t h, int j, uint32_t step, uint32_t traj, uint32_t thr) {
  if (h != thr >> 16) return h > thr >> 16;
  uint32_t c[4] = {0, step, traj, 3}; philox(c, 1, 0);
  return ((c[j >> 1] >> ((j & 1) * 16)) & 0xffff) >= (thr & 0xffff);
}
int main(int argc, char** argv) {
  int N = argc > 2 ? atoi(argv[1]) : 100000, T = argc > 2 ? atoi(argv[2]) : 200, B = 1024; double lr = 1e-3, mu = 0.9, p = 0.1, q = 0.9; uint32_t thr = (uint32_t)(p * 4294967296.0);
  double *x0 = malloc(B * 8), *x1 = malloc(B * 8), *m0 = malloc(B * 8), *m1 = malloc(B * 8), *loss = malloc(B * 8);
  uint32_t *spare = malloc(4 * B * 4);
  double acc = 0; struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  for (int blk = 0; blk < N / B + 1; blk++) {
    for (int i = 0; i < B; i++) { x0[i] = -1.5; x1[i] = 2; m0[i] = m1[i] = 0; }
    for (int t = 0; t < T; t++) {
      double s0 = 0, s1 = 0, sl = 0;
      for (int i = 0; i < B; i++) {
        // The engine's mask stream for d = 2 (src/rng/keyed.ts): steps 4k … 4k + 3 share counter step k, (t, coord)
        // is half 2(t mod 4) + coord of its block.
        uint32_t traj = (uint32_t)(blk * B + i);
        if ((t & 3) == 0) {
          uint32_t c[4] = {0, (uint32_t)(t >> 2), traj, 0}; philox(c, 1, 0);
          for (int w = 0; w < 4; w++) spare[w * B + i] = c[w];
        }
        int j0 = 2 * (t & 3), j1 = j0 + 1;
        uint32_t h0 = (spare[(j0 >> 1) * B + i] >> ((j0 & 1) * 16)) & 0xffff, h1 = (spare[(j1 >> 1) * B + i] >> ((j1 & 1) * 16)) & 0xffff;
        int k0 = kept(h0, j0, (uint32_t)(t >> 2), traj, thr), k1 = kept(h1, j1, (uint32_t)(t >> 2), traj, thr);
        double xa = x0[i], xb = x1[i], r = xb - xa * xa;
        double g0 = -400 * xa * r - 2 * (1 - xa), g1 = 200 * r;
        g0 = k0 ? g0 / q : 0; g1 = k1 ? g1 / q : 0;
        double b0 = t == 0 ? g0 : mu * m0[i] + g0, b1 = t == 0 ? g1 : mu * m1[i] + g1;
        m0[i] = b0; m1[i] = b1; xa -= lr * b0; xb -= lr * b1; x0[i] = xa; x1[i] = xb;
        double rr = xb - xa * xa, qq = 1 - xa; double l = 100 * rr * rr + qq * qq; loss[i] = l;
        s0 += xa; s1 += xb; sl += l;
      }
      double mm0 = s0 / B, mm1 = s1 / B, ml = sl / B, v0 = 0, v1 = 0, vl = 0;
      for (int i = 0; i < B; i++) { double d0 = x0[i] - mm0, d1 = x1[i] - mm1, dl = loss[i] - ml; v0 += d0 * d0; v1 += d1 * d1; vl += dl * dl; }
      if (isfinite(v0 + v1 + vl)) acc += v0 + v1 + vl;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &b); double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
  double steps = (double)(N / B + 1) * B * T;
  printf("C fused (gcc -O3 -march=native, one core, per-step mean/variance, no bands): %.2e trajectory-steps/s (%.2f s) [%g]\n", steps / s, s, acc);
}
