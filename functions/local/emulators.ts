/**
 * In-process emulators for the local stack and the integration tests: dynalite for DynamoDB
 * and aws-ses-v2-local for SES (v1 and v2 API plus an inbox page).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import dynalite from 'dynalite';
import { z } from 'zod';

export interface RunningEmulator {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** The SES emulator, plus what its inbox holds (for settling claims after a crash). */
export interface RunningSesEmulator extends RunningEmulator {
  inbox(): StoredEmail[];
}

/** What the emulator keeps of a message that settlement reads. */
export interface StoredEmail {
  messageId: string;
  from?: string;
  subject?: string;
  /** Epoch seconds. */
  at?: number;
  destination?: { to?: string[] };
  headers?: { name: string; value: string }[];
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

/** The CommonJS exports object of aws-ses-v2-local's store: its send handlers call `saveEmail` through it. */
interface SesStoreModule extends SesStore {
  default?: SesStore;
}

/** What the emulator keeps of a message; checked loosely, it is our own file. */
const storedEmailsSchema = z.array(z.looseObject({ messageId: z.string(), subject: z.string(), at: z.number() }));

/**
 * aws-ses-v2-local keeps its store module-global, so there is one per process. Its GetAccount
 * answer (the send quota) comes from AWS_SES_ACCOUNT. Port 0 lets the OS pick a free port.
 * With `inboxFile`, the inbox survives a restart, SIGKILL included: every accepted email is
 * appended to `<inboxFile>l` (JSON lines) before the emulator answers the send, and the file is
 * loaded at start (with a legacy `inboxFile` snapshot, folded into the log once).
 */
export async function startSesEmulator(options: {
  port: number;
  host?: string;
  inboxFile?: string;
  /** Called with each email the emulator accepts from now on (not with those loaded from `inboxFile`). */
  onAccepted?: (email: StoredEmail) => void;
}): Promise<RunningSesEmulator> {
  const host = options.host ?? '127.0.0.1';
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(LOCAL_SES_ACCOUNT);
  const mod = (await import('aws-ses-v2-local')) as unknown as { default?: StartSes } & StartSes;
  const start = mod.default ?? mod;
  // The emulator has no persistence of its own; its store module is the same instance the server uses.
  const imported = (await import('aws-ses-v2-local/dist/store.js')) as unknown as SesStoreModule;
  const store: SesStore = imported.default ?? imported;
  if (options.inboxFile) await persistInbox(store, options.inboxFile);
  if (options.onAccepted) notifyAccepted(store, options.onAccepted);
  const server = await start({ host, port: options.port });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    inbox: () => store.getStoreReadonly().emails as StoredEmail[],
    close: () => closeServer(server),
  };
}

/** Loads the persisted inbox, then appends each email as the emulator accepts it. */
async function persistInbox(store: SesStore, file: string): Promise<void> {
  const log = `${file}l`;
  const legacy = await readInbox(file, (raw) => [JSON.parse(raw) as unknown]);
  const logged = await readInbox(log, (raw) =>
    raw
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as unknown];
        } catch {
          // The last line of a log cut short by SIGKILL mid-write: that email was never acknowledged.
          return [];
        }
      }),
  );
  const emails = [...legacy, ...logged];
  const saveEmail = store.saveEmail.bind(store);
  for (const email of emails) saveEmail(email);
  if (legacy.length > 0) {
    await writeFile(log, emails.map((email) => `${JSON.stringify(email)}\n`).join(''));
    await rename(file, `${file}.folded`);
  }
  // Synchronous, so the line is on disk before the emulator answers the send.
  store.saveEmail = (email: unknown) => {
    saveEmail(email);
    appendFileSync(log, `${JSON.stringify(email)}\n`);
  };
}

/** After the save (and its log line), so a listener sees only what the emulator keeps. */
function notifyAccepted(store: SesStore, onAccepted: (email: StoredEmail) => void): void {
  const saveEmail = store.saveEmail.bind(store);
  store.saveEmail = (email: unknown) => {
    saveEmail(email);
    onAccepted(email as StoredEmail);
  };
}

async function readInbox(file: string, parse: (raw: string) => unknown[]): Promise<unknown[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  let values: unknown[];
  try {
    values = parse(raw).flatMap((value) => (Array.isArray(value) ? value : [value]));
  } catch {
    values = [];
  }
  const parsed = storedEmailsSchema.safeParse(values);
  if (!parsed.success) {
    console.warn(`Ignoring ${file}: it is not an inbox this stack wrote.`);
    return [];
  }
  return parsed.data;
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
