import { spawnSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';

// The integration suites that talk to DynamoDB run a second time against moto's server, an
// independent implementation of the API (see test/support/dynamo.ts and docs/architecture.md).
const CONFORMANCE_SUITES = [
  'test/integration/dynamo-stores.test.ts',
  'test/integration/handlers.test.ts',
  'test/integration/subscriber-bulk.test.ts',
  'test/integration/erasure-scan.test.ts',
  'test/integration/send-guard-store.test.ts',
];

function motoServerMissing(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import moto.server, werkzeug, flask'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error) return `python3 is not on PATH (${probe.error.message})`;
  if (probe.status !== 0) return `python3 cannot import moto's server (${probe.stderr.trim().split('\n').at(-1)})`;
  return undefined;
}

const missing = motoServerMissing();
if (missing) {
  console.warn(
    `[conformance] Skipping the DynamoDB conformance run against moto: ${missing}. Install it with \`pip install 'moto[server]'\`.`,
  );
}

export default defineConfig({
  test: {
    // Integration and e2e suites start their own emulators on fixed-free ports; two cores is the budget.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Handlers log through Powertools; a test run shows only its own report
    // (POWERTOOLS_LOG_LEVEL=INFO npx vitest run ... shows the handlers' lines).
    env: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT' },
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      ...(missing
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: 'moto',
                include: CONFORMANCE_SUITES,
                env: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT', TEST_DYNAMO_BACKEND: 'moto' },
              },
            },
          ]),
    ],
  },
});
