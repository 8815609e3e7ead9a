/**
 * The benchmark's backends, run as a child process so their CPU is not counted as ours: dynalite,
 * and an SES stand-in that enforces R messages a second. It prints one JSON line with the
 * endpoints on stdout and runs until its stdin closes.
 *
 * The stand-in is a token bucket of R tokens refilled at R a second (SES's "messages per
 * second", which counts every destination); a SendEmail or SendBulkEmail finding too few tokens
 * answers 429 ThrottlingException, as SES does with no Retry-After. SendBulkEmail answers one
 * SUCCESS entry per destination. GetAccount reports MaxSendRate R. GET /bench/stats says what
 * it received, counting recipients.
 *
 *   tsx bench/support/send-backends.ts <rate>
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenBucket } from '../../functions/core/delivery/token-bucket.ts';
import { startDynamoEmulator } from '../../functions/local/emulators.ts';

const rate = Number(process.argv[2]);
if (!(rate > 0)) throw new Error('usage: send-backends.ts <rate>');

const bucket = new TokenBucket(rate, rate, performance.now());
const received = new Map<string, number>();
let accepted = 0;
let bulkCalls = 0;
let acceptedBytes = 0;
let throttled = 0;
let firstAcceptMs: number | undefined;
let lastAcceptMs = 0;

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? '';
  if (request.method === 'POST' && url.startsWith('/v2/email/outbound-bulk-emails')) {
    const text = await body(request);
    const now = performance.now();
    const entries = (JSON.parse(text) as { BulkEmailEntries?: { Destination?: { ToAddresses?: string[] } }[] }).BulkEmailEntries ?? [];
    if (!bucket.tryTake(now, entries.length)) {
      throttled += entries.length;
      json(response, 429, { message: 'Maximum sending rate exceeded.' }, { 'x-amzn-errortype': 'ThrottlingException' });
      return;
    }
    const results = entries.map((entry) => {
      const to = entry.Destination?.ToAddresses?.[0] ?? '';
      received.set(to, (received.get(to) ?? 0) + 1);
      accepted += 1;
      return { Status: 'SUCCESS', MessageId: `bench-${accepted}` };
    });
    acceptedBytes += text.length;
    bulkCalls += 1;
    firstAcceptMs ??= now;
    lastAcceptMs = now;
    json(response, 200, { BulkEmailEntryResults: results });
    return;
  }
  if (request.method === 'POST' && url.startsWith('/v2/email/outbound-emails')) {
    const text = await body(request);
    const now = performance.now();
    if (!bucket.tryTake(now)) {
      throttled += 1;
      json(response, 429, { message: 'Maximum sending rate exceeded.' }, { 'x-amzn-errortype': 'ThrottlingException' });
      return;
    }
    const to = (JSON.parse(text) as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses?.[0] ?? '';
    received.set(to, (received.get(to) ?? 0) + 1);
    accepted += 1;
    acceptedBytes += text.length;
    firstAcceptMs ??= now;
    lastAcceptMs = now;
    json(response, 200, { MessageId: `bench-${accepted}` });
    return;
  }
  if (request.method === 'GET' && url.startsWith('/v2/email/account')) {
    json(response, 200, {
      SendQuota: { MaxSendRate: rate, Max24HourSend: 1_000_000_000, SentLast24Hours: accepted },
      SendingEnabled: true,
      ProductionAccessEnabled: true,
    });
    return;
  }
  if (request.method === 'GET' && url.startsWith('/bench/stats')) {
    let duplicates = 0;
    for (const count of received.values()) duplicates += count - 1;
    json(response, 200, {
      accepted,
      bulkCalls,
      bytesPerEmail: accepted === 0 ? 0 : Math.round(acceptedBytes / accepted),
      throttled,
      distinct: received.size,
      duplicates,
      sendSeconds: firstAcceptMs === undefined ? 0 : (lastAcceptMs - firstAcceptMs) / 1000,
    });
    return;
  }
  json(response, 404, { message: `no route ${request.method} ${url}` });
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => json(response, 500, { message: String(error) }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const dynamo = await startDynamoEmulator({ port: 0 });
const ses = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
process.stdout.write(`${JSON.stringify({ dynamoEndpoint: dynamo.endpoint, sesEndpoint: ses })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close();
  void dynamo.close().finally(() => process.exit(0));
});
