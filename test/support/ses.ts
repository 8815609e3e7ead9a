/**
 * An in-process aws-ses-v2-local for integration tests. Its store is module-global, so use one
 * emulator per test file (vitest runs each file in its own fork) and clear() between tests.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { startSesEmulator as startEmulator } from '../../functions/local/emulators.ts';

/** An email as the emulator keeps it (GET /store). */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  /** Epoch seconds. */
  at: number;
}

export interface SesEmulator {
  endpoint: string;
  stop(): Promise<void>;
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  /** The message as the emulator would deliver it (nodemailer-built MIME), parsed. */
  rawMessage(messageId: string): Promise<ParsedMail>;
}

export async function startSesEmulator(): Promise<SesEmulator> {
  const emulator = await startEmulator({ port: 0 });
  const { endpoint } = emulator;

  const getJson = async (path: string, init?: RequestInit): Promise<unknown> => {
    const response = await fetch(`${endpoint}${path}`, init);
    if (!response.ok) throw new Error(`SES emulator ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };

  return {
    endpoint,
    stop: () => emulator.close(),
    async emails() {
      const store = (await getJson('/store')) as { emails: StoredEmail[] };
      return store.emails;
    },
    async clear() {
      await getJson('/clear-store', { method: 'POST' });
    },
    async rawMessage(messageId) {
      const eml = (await getJson(`/get-emlContent?messageId=${encodeURIComponent(messageId)}`)) as {
        body: { type: 'Buffer'; data: number[] };
      };
      return simpleParser(Buffer.from(eml.body.data));
    },
  };
}
