/**
 * A small seeded PRNG (mulberry32) so every simulation is reproducible from its seed; Math.random
 * is never used in the simulator.
 */

/** A deterministic random source. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Exponential with the given mean. */
  exponential(mean: number): number;
  /** Normal (Box–Muller) with the given mean and standard deviation. */
  normal(mean: number, sd: number): number;
  /** An independent stream derived from this one (so adding draws in one place does not shift another). */
  fork(label: string): Rng;
}

/** Creates a seeded RNG; equal seeds give equal sequences. */
export function createRng(seed: number): Rng {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    exponential: (mean) => -mean * Math.log(1 - next()),
    normal: (mean, sd) => mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    fork: (label) => createRng(hashString(`${seed}/${label}`)),
  };
}

/** FNV-1a 32-bit hash, to derive sub-stream seeds from labels. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
