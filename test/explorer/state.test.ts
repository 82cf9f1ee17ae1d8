/** The Explorer's state: URL round trip, bad links named, optimizer defaults, and the command line it shows. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, type ExplorerState, cliCommand, fromHash, optimizerDefaults, problemOf, toHash } from '../../src/explorer/state.ts';
import { OPTIMIZER_DEFAULTS } from '../../src/optimizers/optimizers.ts';
import { buildProblem } from '../../src/problem.ts';

describe('Explorer state', () => {
  it('the defaults have an empty hash, and any state survives the URL round trip', () => {
    expect(toHash(DEFAULT_STATE)).toBe('');
    const s: ExplorerState = { ...DEFAULT_STATE, surface: 'expr', expr: 'x^2 + 3*y^2 & (1)', x0: [0.5, -2], optimizer: 'adamw', lr: 0.003, b1: 0.8, b2: 0.95, weightDecay: 0.1, p: 0.45, gaussian: true, fullUpdateDrop: 0.2, samples: 1000, steps: 50, seed: 99, backend: 'cpu' };
    const back = fromHash(toHash(s));
    expect(back.problems).toEqual([]);
    expect(back.state).toEqual(s);
  });
  it('a link names every setting it cannot use, and keeps the default for it', () => {
    const r = fromHash('#surface=mountain&lr=fast&p=0.2&colour=red&nesterov=yes&x0=1');
    expect(r.problems).toEqual(['surface = mountain: expected valley | rosenbrock | rastrigin | ackley | beale | doublewell | expr', 'lr = fast: expected a number', 'colour: not a setting of the explorer', 'nesterov = yes: expected 0 or 1', 'x0 = 1: expected two numbers x,y']);
    expect(r.state.surface).toBe(DEFAULT_STATE.surface);
    expect(r.state.lr).toBe(DEFAULT_STATE.lr);
    expect(r.state.p).toBe(0.2);
  });
  it("options a link leaves out are the optimizer's own defaults (Lion's β₂ 0.99, AdamW's decay 1e-2)", () => {
    expect(fromHash('#optimizer=lion').state).toMatchObject({ b1: 0.9, b2: 0.99, weightDecay: 0 });
    expect(fromHash('#optimizer=adamw').state.weightDecay).toBe(OPTIMIZER_DEFAULTS.adamw.weightDecay);
    expect(toHash({ ...DEFAULT_STATE, optimizer: 'lion', ...optimizerDefaults('lion') })).toBe('#optimizer=lion');
  });
  it('every state of the page is a problem buildProblem accepts, and the command line quotes what the shell would split', () => {
    for (const surface of ['valley', 'rosenbrock', 'rastrigin', 'ackley', 'beale', 'doublewell', 'expr'] as const) {
      for (const optimizer of ['sgd', 'adam', 'adamw', 'nadam', 'adagrad', 'rmsprop', 'adadelta', 'lion'] as const) {
        expect(() => buildProblem(problemOf({ ...DEFAULT_STATE, surface, optimizer, ...optimizerDefaults(optimizer) })), `${surface} ${optimizer}`).not.toThrow();
      }
    }
    const line = cliCommand({ ...DEFAULT_STATE, surface: 'expr', expr: "x^2 + y^2 + 'a'" });
    expect(line).toContain(`--expr 'x^2 + y^2 + '\\''a'\\'''`);
    expect(line).toMatch(/--weight-decay 0 .*--backend cpu$/);
  });
});
