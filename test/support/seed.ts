/**
 * The one seed every randomised test draws from (fast-check properties, fault injection, the
 * fuzz suites). With `CI` set the seed is fixed: a commit's CI result must not depend on a draw.
 * Every other run draws a fresh one, which is where new cases turn up. `TEST_SEED=N` replays a
 * run: each test file prints `[seed] <file>: seed=N` with the command that runs it again.
 */

/** The seed CI runs with. */
export const CI_SEED = 20261130;

function seedFromEnvironment(env: NodeJS.ProcessEnv): number {
  const replay = env.TEST_SEED;
  if (replay !== undefined && replay !== '') {
    const seed = Number(replay);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`TEST_SEED must be a non-negative integer, not ${JSON.stringify(replay)}`);
    return seed;
  }
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') return CI_SEED;
  return Math.floor(Math.random() * 2 ** 31);
}

/** One seed per test file run (each file runs in its own module graph); the same seed replays the same draws. */
export const TEST_SEED = seedFromEnvironment(process.env);

/** Prints the seed and how to replay it; call once per file, in beforeAll or at the top of the test. */
export function announceSeed(file: string): void {
  console.log(`[seed] ${file}: seed=${TEST_SEED} (replay: TEST_SEED=${TEST_SEED} npx vitest run ${file})`);
}

/**
 * mulberry32 over `seed`: a small generator with the same stream for the same seed. Each test
 * takes its own, so a test's draws do not depend on which other tests of the file ran first.
 */
export function seededRandom(seed: number = TEST_SEED): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
