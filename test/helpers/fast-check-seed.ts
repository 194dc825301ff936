/**
 * vitest setup: fast-check runs with a fixed seed so CI is deterministic; set FC_SEED to explore
 * other seeds locally (e.g. `FC_SEED=$RANDOM npm test`). A failure prints its seed and path.
 */
import fc from 'fast-check';

const seed = Number(process.env.FC_SEED ?? 20_261_127);
fc.configureGlobal({ seed: Number.isFinite(seed) ? seed : 20_261_127 });
