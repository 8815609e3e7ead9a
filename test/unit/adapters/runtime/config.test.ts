import { describe, expect, it, vi } from 'vitest';
import { ConfigError, guardThresholdsFrom, loadConfig, resolveTokenSecret } from '../../../../functions/adapters/runtime/config.ts';

const SECRET = 'a-token-secret-that-is-long-enough-0123456789';

const minimal = {
  TABLE_NAME: 'digest',
  PUBLIC_URL: 'https://digest.example.com',
  MAIL_FROM: 'digest@example.com',
  TOKEN_SECRET: SECRET,
};

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('fills in the defaults around the required variables', () => {
    const config = loadConfig(minimal);
    expect(config).toEqual({
      ...minimal,
      AWS_REGION: 'us-east-1',
      MAX_STORIES: 12,
      MAX_SOURCES: 500,
      DIGEST_NAME: 'The Daily Digest',
      FEEDS_ALLOW_PRIVATE: false,
      SEND_GUARD_BOUNCE_PERCENT: 5,
      SEND_GUARD_BOUNCE_MIN_KNOWN: 100,
      SEND_GUARD_COMPLAINT_PERCENT: 0.1,
      SEND_GUARD_COMPLAINT_MIN_KNOWN: 1000,
      SEND_GUARD_COMPLAINTS: 3,
      CLICK_TRACKING: true,
    });
  });

  it('reads the send guard limits as percentages and counts, and names a bad one', () => {
    const config = loadConfig({ ...minimal, SEND_GUARD_BOUNCE_PERCENT: '2.5', SEND_GUARD_COMPLAINTS: '1' });
    expect(guardThresholdsFrom(config)).toMatchObject({ bounceRate: 0.025, complaintsMax: 1, bounceMinKnown: 100 });
    expect(() => loadConfig({ ...minimal, SEND_GUARD_BOUNCE_PERCENT: '0' })).toThrow(/SEND_GUARD_BOUNCE_PERCENT must be a percentage/);
    expect(() => loadConfig({ ...minimal, SEND_GUARD_BOUNCE_MIN_KNOWN: '1.5' })).toThrow(
      /SEND_GUARD_BOUNCE_MIN_KNOWN must be a whole number/,
    );
  });

  it('reads CLICK_TRACKING as on or off, and refuses anything else naming it', () => {
    expect(loadConfig({ ...minimal, CLICK_TRACKING: 'off' }).CLICK_TRACKING).toBe(false);
    expect(loadConfig({ ...minimal, CLICK_TRACKING: 'on' }).CLICK_TRACKING).toBe(true);
    expect(() => loadConfig({ ...minimal, CLICK_TRACKING: 'yes' })).toThrow(/CLICK_TRACKING must be on or off/);
  });

  it('reads every optional variable', () => {
    const config = loadConfig({
      ...minimal,
      TOKEN_SECRET: undefined,
      TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf',
      AWS_REGION: 'eu-west-1',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
      SES_ENDPOINT: 'http://127.0.0.1:8005',
      SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/send',
      SES_CONFIGURATION_SET: 'digest-events',
      TEMPLATES_DIR: '/var/task/templates',
      MAX_STORIES: '30',
      DIGEST_NAME: 'Morning Brief',
    });
    expect(config.TOKEN_SECRET).toBeUndefined();
    expect(config.TOKEN_SECRET_ARN).toMatch(/^arn:/);
    expect(config.MAX_STORIES).toBe(30);
    expect(config.SES_ENDPOINT).toBe('http://127.0.0.1:8005');
    expect(config.DIGEST_NAME).toBe('Morning Brief');
  });

  it('removes the trailing slash of PUBLIC_URL', () => {
    expect(loadConfig({ ...minimal, PUBLIC_URL: 'https://digest.example.com/' }).PUBLIC_URL).toBe('https://digest.example.com');
    expect(loadConfig({ ...minimal, PUBLIC_URL: 'http://localhost:3000/app//' }).PUBLIC_URL).toBe('http://localhost:3000/app');
  });

  it('ignores the variables it does not know', () => {
    expect(loadConfig({ ...minimal, PATH: '/usr/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ...minimal, AWS_REGION: '', SES_ENDPOINT: '' })).toMatchObject({ AWS_REGION: 'us-east-1' });
    expect(loadConfig({ ...minimal, SES_ENDPOINT: '' }).SES_ENDPOINT).toBeUndefined();
  });

  it.each(['digest@example.com', 'The Daily Digest <digest@example.com>', '"Digest, Daily" <digest@example.com>'])(
    'accepts MAIL_FROM %s',
    (from) => {
      expect(loadConfig({ ...minimal, MAIL_FROM: from }).MAIL_FROM).toBe(from);
    },
  );

  it.each([
    ['a name without an address', 'The Daily Digest'],
    ['a broken address', 'Digest <digest@>'],
    ['a header smuggled after a CRLF', 'digest@example.com\r\nBcc: victim@example.net'],
    ['a header smuggled after a LF in the name', 'Digest\nBcc: victim@example.net <digest@example.com>'],
  ])('refuses MAIL_FROM with %s', (_label, from) => {
    expect(configError({ ...minimal, MAIL_FROM: from }).message).toContain('MAIL_FROM');
  });

  it('refuses a PUBLIC_URL that is not http(s)', () => {
    expect(configError({ ...minimal, PUBLIC_URL: 'ftp://digest.example.com' }).message).toContain('PUBLIC_URL');
    expect(configError({ ...minimal, PUBLIC_URL: 'javascript:alert(1)' }).message).toContain('PUBLIC_URL');
  });

  it.each(['0', '101', '12.5', 'many'])('refuses MAX_STORIES=%s', (value) => {
    expect(configError({ ...minimal, MAX_STORIES: value }).message).toContain('MAX_STORIES');
  });

  it('refuses a digest name with a line break, as it goes into the subject', () => {
    expect(configError({ ...minimal, DIGEST_NAME: 'Daily\r\nBcc: x@example.net' }).message).toContain('DIGEST_NAME');
  });

  it('takes a one-line postal address for the footer, and refuses one with a line break', () => {
    expect(loadConfig({ ...minimal, POSTAL_ADDRESS: '1 Example Street, Springfield' }).POSTAL_ADDRESS).toBe(
      '1 Example Street, Springfield',
    );
    expect(loadConfig(minimal).POSTAL_ADDRESS).toBeUndefined();
    expect(configError({ ...minimal, POSTAL_ADDRESS: '1 Example Street\nBcc: x@evil.example' }).message).toContain(
      'POSTAL_ADDRESS must be one line',
    );
  });

  it('requires exactly one of TOKEN_SECRET and TOKEN_SECRET_ARN', () => {
    const neither = configError({ ...minimal, TOKEN_SECRET: undefined });
    expect(neither.message).toContain('TOKEN_SECRET');
    expect(neither.message).toContain('TOKEN_SECRET_ARN');

    const both = configError({ ...minimal, TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:x' });
    expect(both.message).toContain('exactly one of TOKEN_SECRET and TOKEN_SECRET_ARN');
  });

  it('names every bad variable in one ConfigError', () => {
    const error = configError({
      PUBLIC_URL: 'not a url',
      MAIL_FROM: 'nobody',
      DYNAMODB_ENDPOINT: 'localhost:8000',
      MAX_STORIES: '0',
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    for (const name of ['TABLE_NAME', 'PUBLIC_URL', 'MAIL_FROM', 'DYNAMODB_ENDPOINT', 'MAX_STORIES', 'TOKEN_SECRET_ARN']) {
      expect(error.message).toContain(name);
    }
  });

  it('never puts the secret into the error message', () => {
    const shortSecret = 'hunter2-is-my-password';
    const error = configError({ ...minimal, TOKEN_SECRET: shortSecret });
    expect(error.message).toContain('TOKEN_SECRET');
    expect(error.message).not.toContain(shortSecret);

    const withGoodSecret = configError({ ...minimal, TABLE_NAME: undefined });
    expect(withGoodSecret.message).not.toContain(SECRET);
  });
});

describe('resolveTokenSecret', () => {
  it('returns TOKEN_SECRET without asking Secrets Manager', async () => {
    const fetchSecret = vi.fn<(arn: string) => Promise<string>>();
    await expect(resolveTokenSecret({ TOKEN_SECRET: SECRET }, fetchSecret)).resolves.toBe(SECRET);
    expect(fetchSecret).not.toHaveBeenCalled();
  });

  it('fetches the secret named by TOKEN_SECRET_ARN', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf';
    const fetchSecret = vi.fn(async (_arn: string) => SECRET);
    await expect(resolveTokenSecret({ TOKEN_SECRET_ARN: arn }, fetchSecret)).resolves.toBe(SECRET);
    expect(fetchSecret).toHaveBeenCalledWith(arn);
  });

  it('refuses a fetched secret that is too short, without revealing it', async () => {
    const error = await resolveTokenSecret({ TOKEN_SECRET_ARN: 'arn:x' }, async () => 'short-one').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('short-one');
  });
});
