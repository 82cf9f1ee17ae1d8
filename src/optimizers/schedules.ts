/**
 * Schedules: a value per global step t (learning rates and drop rates). docs/theory.md §0 ("Schedules").
 * A schedule is a pure function of t; each class states its formula. The drop-rate schedulers of the
 * original DropGrad package are the same shapes with their values checked to lie in [0, 1).
 */
import { ParameterError, requireFinite, requireUnitInterval, requireNonNegative } from '../errors.ts';
import { powi } from './powi.ts';

export interface Schedule {
  readonly kind: string;
  /** Value at global step t ≥ 0. */
  at(step: number): number;
  /** Every value the schedule can take lies in [min, max]. */
  readonly min: number;
  readonly max: number;
}

export type ScheduleLike = number | Schedule;

function requireSteps(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ParameterError(name, n, 'an integer ≥ 1');
  return n;
}

/** v(t) = v for every step. */
export class ConstantSchedule implements Schedule {
  readonly kind = 'constant';
  readonly min: number;
  readonly max: number;
  constructor(readonly value: number) {
    requireFinite('value', value);
    this.min = this.max = value;
  }
  at(): number {
    return this.value;
  }
}

/** v(t) = v₀ + (v₁ − v₀)·min(t, N)/N. */
export class LinearSchedule implements Schedule {
  readonly kind: string = 'linear';
  readonly min: number;
  readonly max: number;
  constructor(
    readonly initial: number,
    readonly final: number,
    readonly numSteps: number,
  ) {
    requireFinite('initial', initial);
    requireFinite('final', final);
    requireSteps('numSteps', numSteps);
    this.min = Math.min(initial, final);
    this.max = Math.max(initial, final);
  }
  at(step: number): number {
    const s = Math.min(Math.max(step, 0), this.numSteps) / this.numSteps;
    // Clamped: a + (b − a)·1 can miss b by an ulp, which would step outside [min, max] (found by a property test).
    return Math.min(this.max, Math.max(this.min, this.initial + (this.final - this.initial) * s));
  }
}

/** Cosine annealing: v(t) = v₁ + (v₀ − v₁)·(1 + cos(π·min(t, N)/N))/2. */
export class CosineAnnealingSchedule implements Schedule {
  readonly kind: string = 'cosine';
  readonly min: number;
  readonly max: number;
  constructor(
    readonly initial: number,
    readonly final: number,
    readonly numSteps: number,
  ) {
    requireFinite('initial', initial);
    requireFinite('final', final);
    requireSteps('numSteps', numSteps);
    this.min = Math.min(initial, final);
    this.max = Math.max(initial, final);
  }
  at(step: number): number {
    const s = Math.min(Math.max(step, 0), this.numSteps) / this.numSteps;
    const v = this.final + ((this.initial - this.final) * (1 + Math.cos(Math.PI * s))) / 2;
    return Math.min(this.max, Math.max(this.min, v));
  }
}

/** Piecewise constant: v(t) = the value of the largest milestone ≤ t, or v₀ before the first. */
export class StepSchedule implements Schedule {
  readonly kind: string = 'step';
  readonly min: number;
  readonly max: number;
  private readonly milestones: [number, number][];
  constructor(
    readonly initial: number,
    schedule: Record<number, number>,
  ) {
    requireFinite('initial', initial);
    this.milestones = Object.entries(schedule)
      .map(([k, v]) => {
        const step = Number(k);
        if (!Number.isInteger(step) || step < 0) throw new ParameterError('schedule step', k, 'an integer ≥ 0');
        requireFinite(`schedule[${k}]`, v);
        return [step, v] as [number, number];
      })
      .sort((a, b) => a[0] - b[0]);
    const values = [initial, ...this.milestones.map((m) => m[1])];
    this.min = Math.min(...values);
    this.max = Math.max(...values);
  }
  at(step: number): number {
    let v = this.initial;
    for (const [s, r] of this.milestones) {
      if (step >= s) v = r;
      else break;
    }
    return v;
  }
}

/** Triangular cycle between `low` and `high`: v(t) = low + (high − low)·(1 − |(t/h mod 2) − 1|), h the half period. */
export class TriangularSchedule implements Schedule {
  readonly kind: string = 'triangular';
  readonly min: number;
  readonly max: number;
  constructor(
    readonly low: number,
    readonly high: number,
    readonly halfPeriod: number,
  ) {
    requireFinite('low', low);
    requireFinite('high', high);
    requireSteps('halfPeriod', halfPeriod);
    this.min = Math.min(low, high);
    this.max = Math.max(low, high);
  }
  at(step: number): number {
    const phase = (Math.max(step, 0) / this.halfPeriod) % 2;
    return Math.min(this.max, Math.max(this.min, this.low + (this.high - this.low) * (1 - Math.abs(phase - 1))));
  }
}

/** Exponential decay v(t) = v₀·γᵗ (learning rates). */
export class ExponentialSchedule implements Schedule {
  readonly kind = 'exponential';
  readonly min: number;
  readonly max: number;
  constructor(
    readonly initial: number,
    readonly gamma: number,
  ) {
    requireFinite('initial', initial);
    if (!(gamma > 0 && gamma <= 1)) throw new ParameterError('gamma', gamma, 'a number in (0, 1]');
    this.min = 0;
    this.max = initial;
  }
  at(step: number): number {
    return this.initial * powi(this.gamma, Math.max(step, 0));
  }
}

const DROP_RATE_HINT = 'a drop rate of 1 would divide the kept gradients by 1 − p = 0; to skip whole steps use full-update drop';

/** Checks every value of a drop-rate schedule lies in [0, 1). */
export function checkDropRateSchedule(name: string, s: ScheduleLike, hint: string | undefined = DROP_RATE_HINT): Schedule {
  if (typeof s === 'number') return new ConstantSchedule(requireUnitInterval(name, s, hint));
  requireUnitInterval(`${name} (minimum over the schedule)`, s.min, hint);
  requireUnitInterval(`${name} (maximum over the schedule)`, s.max, hint);
  return s;
}

/** Checks a learning-rate schedule is finite and ≥ 0 everywhere. */
export function checkLearningRateSchedule(name: string, s: ScheduleLike): Schedule {
  const sched = typeof s === 'number' ? new ConstantSchedule(requireNonNegative(name, s)) : s;
  requireNonNegative(`${name} (minimum over the schedule)`, sched.min);
  requireNonNegative(`${name} (maximum over the schedule)`, sched.max);
  return sched;
}

/** The original package's drop-rate schedulers: the shapes above, restricted to [0, 1). */
export class LinearDropRateScheduler extends LinearSchedule {
  constructor(initial: number, final: number, numSteps: number) {
    super(initial, final, numSteps);
    checkDropRateSchedule('drop rate', this);
  }
}
/** The cosine annealing shape from `initial` to `final` over `numSteps` steps, as a drop rate in [0, 1). */
export class CosineAnnealingDropRateScheduler extends CosineAnnealingSchedule {
  constructor(initial: number, final: number, numSteps: number) {
    super(initial, final, numSteps);
    checkDropRateSchedule('drop rate', this);
  }
}
/** A piecewise-constant drop rate: `initial`, then `schedule[t]` from step t on. */
export class StepDropRateScheduler extends StepSchedule {
  constructor(initial: number, schedule: Record<number, number>) {
    super(initial, schedule);
    checkDropRateSchedule('drop rate', this);
  }
}
/** A triangular wave between `low` and `high` with half-period `halfPeriod` steps, as a drop rate in [0, 1). */
export class CyclicalDropRateScheduler extends TriangularSchedule {
  constructor(low: number, high: number, halfPeriod: number) {
    super(low, high, halfPeriod);
    checkDropRateSchedule('drop rate', this);
  }
}
