/**
 * On Node 20 the AWS SDK warns, once per process, that its 2027 releases will need Node 22.
 * The CLI turns off that one warning with the SDK's documented switch (Lambda runs Node 22);
 * every other warning still shows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../../bin/digest.js', import.meta.url).pathname;

describe('the digest CLI on any Node version', () => {
  // The test's limit covers the child's own (60 s): on a loaded machine a cold CLI start took over 30 s.
  it('prints no AWS SDK Node-version warning when it builds an SDK client', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'digest-warning-'));
    try {
      // Nothing listens on port 9: the command fails after building its DynamoDB client, which is when the SDK warns.
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATA_DIR: dataDir,
        DYNAMODB_PORT: '9',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '',
      };
      delete env['NODE_NO_WARNINGS'];
      const result = spawnSync(process.execPath, [BIN, 'subscribers', 'export'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(result.stderr).toMatch(/Cannot read the local stack/);
      expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|will require node/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
