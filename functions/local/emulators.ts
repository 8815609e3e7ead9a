/**
 * In-process emulators for the local stack and the integration tests: dynalite for DynamoDB
 * and aws-ses-v2-local for SES (v1 and v2 API plus an inbox page).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import dynalite from 'dynalite';
import { z } from 'zod';

export interface RunningEmulator {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

function listening(server: Server, host: string, port: number): Promise<RunningEmulator> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      resolve({ endpoint: `http://${host}:${actual}`, port: actual, close: () => closeServer(server) });
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets from SDK clients would hold close() open for minutes.
    server.closeAllConnections?.();
  });
}

/** dynalite on `port` (0 = any free port); persisted in LevelDB under `path` when given. */
export function startDynamoEmulator(options: { port: number; path?: string; host?: string }): Promise<RunningEmulator> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return listening(server, options.host ?? '127.0.0.1', options.port);
}

type StartSes = (config: { host: string; port: number }) => Promise<Server>;

interface SesStore {
  saveEmail(email: unknown): void;
  getStoreReadonly(): { emails: unknown[] };
}

/** What the emulator keeps of a message; checked loosely, it is our own file. */
const storedEmailsSchema = z.array(z.looseObject({ messageId: z.string(), subject: z.string(), at: z.number() }));

/**
 * aws-ses-v2-local keeps its store module-global, so there is one per process. Its GetAccount
 * answer (the send quota) comes from AWS_SES_ACCOUNT. Port 0 lets the OS pick a free port.
 * With `inboxFile`, the inbox survives a restart: it is loaded at start and written at close.
 */
export async function startSesEmulator(options: {
  port: number;
  host?: string;
  inboxFile?: string;
}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(LOCAL_SES_ACCOUNT);
  const mod = (await import('aws-ses-v2-local')) as unknown as { default?: StartSes } & StartSes;
  const start = mod.default ?? mod;
  // The emulator has no persistence of its own; its store module is the same instance the server uses.
  const store = options.inboxFile ? ((await import('aws-ses-v2-local/dist/store.js')) as unknown as SesStore) : undefined;
  if (store && options.inboxFile) await loadInbox(store, options.inboxFile);
  const server = await start({ host, port: options.port });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close: async () => {
      if (store && options.inboxFile) await writeFile(options.inboxFile, JSON.stringify(store.getStoreReadonly().emails));
      await closeServer(server);
    },
  };
}

async function loadInbox(store: SesStore, file: string): Promise<void> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const parsed = storedEmailsSchema.safeParse(json);
  if (!parsed.success) {
    console.warn(`Ignoring ${file}: it is not an inbox this stack wrote.`);
    return;
  }
  for (const email of parsed.data) store.saveEmail(email);
}

/** A sandbox-sized account: 14 messages per second, 50,000 a day, like a fresh production SES account. */
const LOCAL_SES_ACCOUNT = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'EN',
    MailType: 'MARKETING',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'digest-mailer local stack',
    WebsiteURL: 'http://localhost',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
};
