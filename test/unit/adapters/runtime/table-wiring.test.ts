/**
 * The CLI's data commands on a deployed table (`--table`, `--region`) take their stores from the
 * one Wiring with a table-only config: the table's stores build, every port that needs the
 * app's other settings is refused by name, and a bad flag value is named.
 */
import { describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '../../../../functions/adapters/dynamo/api-key-store.ts';
import { DynamoSubscriberBulk } from '../../../../functions/adapters/dynamo/subscriber-bulk.ts';
import { ConfigError, loadTableConfig } from '../../../../functions/adapters/runtime/config.ts';
import { Wiring } from '../../../../functions/adapters/runtime/wiring.ts';

describe('a Wiring from a table-only config', () => {
  const config = loadTableConfig({ TABLE_NAME: 'digest-prod', AWS_REGION: 'eu-west-1', DYNAMODB_ENDPOINT: undefined });

  it('builds the table stores the CLI uses', () => {
    const wiring = new Wiring(config);
    try {
      expect(wiring.port('apiKeys')).toBeInstanceOf(DynamoApiKeyStore);
      expect(wiring.port('subscriberBulk')).toBeInstanceOf(DynamoSubscriberBulk);
      for (const kind of ['subscribers', 'editions', 'sendStats', 'deliveries', 'sources'] as const) {
        expect(wiring.port(kind), kind).toBeDefined();
      }
      // Erasure markers are keyed by the token secret, which a table-only run is given only when a command needs it.
      for (const kind of ['personalData', 'erasureMarks'] as const) expect(() => wiring.port(kind), kind).toThrow(/need the token secret/);
      const keyed = new Wiring(config, { tokenSecret: 'x'.repeat(32) });
      expect(keyed.port('personalData')).toBeDefined();
      expect(keyed.port('erasureMarks').rehashAll).toBeTypeOf('function');
      keyed.close();
    } finally {
      wiring.close();
    }
  });

  it('refuses, by name, a port that needs the settings a table-only run does not have', () => {
    const wiring = new Wiring(config, { tokenSecret: 'x'.repeat(32) });
    for (const kind of ['settings', 'site', 'renderer', 'mailer', 'queue'] as const) {
      expect(() => wiring.port(kind), kind).toThrow(ConfigError);
      expect(() => wiring.port(kind), kind).toThrow(new RegExp(`the ${kind} port needs the app's settings`));
    }
  });

  it('defaults the region and names a bad endpoint', () => {
    expect(loadTableConfig({ TABLE_NAME: 't', AWS_REGION: '' }).AWS_REGION).toBe('us-east-1');
    expect(() => loadTableConfig({ TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'ftp://x' })).toThrow(/DYNAMODB_ENDPOINT must be an http\(s\) URL/);
    expect(() => loadTableConfig({ TABLE_NAME: '' })).toThrow(/TABLE_NAME is required/);
  });
});
