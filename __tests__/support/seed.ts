/**
 * One fast-check seed for the whole suite, so that `npm test` gives the same answer on every run.
 *
 * - `FC_SEED=<integer>` runs every property with that seed (to replay a failure, or to try
 *   another fixed draw);
 * - `FC_SEED=random` draws a fresh seed for each test file and prints it (what
 *   `npm run test:explore` does, to look for bugs the fixed seed does not reach).
 *
 * A failing property prints its seed and path (fast-check's own report); with the seed set here,
 * `FC_SEED=<seed>` and the printed path reproduce it.
 */
import * as fc from 'fast-check';

/** The seed `npm test` uses when `FC_SEED` is not set. */
export const DEFAULT_SEED = 20_261_208;

const parseSeed = (value: string | undefined): number => {
  if (value === undefined || value === '') {
    return DEFAULT_SEED;
  }
  if (value === 'random') {
    const fresh = (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
    process.stdout.write(
      `fast-check seed for ${expect.getState().testPath ?? 'this file'}: FC_SEED=${String(fresh)}\n`,
    );
    return fresh;
  }
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`FC_SEED must be an integer or "random", got ${JSON.stringify(value)}`);
  }
  return seed | 0;
};

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: parseSeed(process.env.FC_SEED) });
