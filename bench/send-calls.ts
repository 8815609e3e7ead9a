/**
 * bench:send-calls — the client CPU of each request a sender makes for one chunk of 50 readers,
 * one request at a time, against dynalite and the SES stand-in in a child process (their CPU is
 * not ours). Baseline: a node:http POST of a small JSON body to the same dynalite on a keep-alive
 * agent, no SDK: what any request costs this process. The note turns the figures into the CPU
 * per recipient that a chunk's requests alone cost (claim, BatchGetItem, SendBulkEmail, four
 * BatchWriteItem, results), the floor under bench:send's cpuMsPerRecipient.
 *
 *   npm run bench:send-calls -- --calls 100 --runs 3
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { BatchGetCommand, BatchWriteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createDynamoClient, toDocumentClient } from '../functions/adapters/dynamo/client.ts';
import { ensureTable } from '../functions/adapters/dynamo/create-table.ts';
import { subscriberItem } from '../functions/adapters/dynamo/subscriber-item.ts';
import { createSesClient } from '../functions/adapters/ses/ses-mailer.ts';
import { countFlag, emitJson, measure, parseFlags, printHeader, printNote, printTable, runMain, type BenchCase } from './harness.ts';
import { dueReader } from './support/fixtures.ts';

const flagsSchema = z.object({
  calls: countFlag(100, 'requests per timed run of each case'),
  runs: countFlag(3, 'timed runs per case'),
  warmup: countFlag(1, 'untimed runs per case first', 0),
});

const TABLE = 'bench-send-calls';
const READERS = 50;
/** The requests of one chunk, by case name. */
const PER_CHUNK: Record<string, number> = {
  'UpdateItem (claim, results)': 2,
  'BatchGetItem 100 keys': 1,
  'SendBulkEmail 50 recipients': 1,
  'BatchWriteItem 25 items': 4,
};

async function startBackends(): Promise<{ dynamoEndpoint: string; sesEndpoint: string; stop(): void }> {
  // A rate no call reaches: the stand-in never throttles here.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/send-backends.ts', '1000000'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const endpoints = z.object({ dynamoEndpoint: z.string(), sesEndpoint: z.string() }).parse(JSON.parse(first));
  return { ...endpoints, stop: () => child.stdin.end() };
}

function post(agent: Agent, endpoint: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = request(
      endpoint,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.DescribeTable',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20261126/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
      },
      (response) => {
        response.resume();
        response.on('end', resolve);
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

async function main(): Promise<void> {
  const flags = parseFlags('bench:send-calls', flagsSchema);
  const backends = await startBackends();
  try {
    const client = createDynamoClient({ region: 'us-east-1', endpoint: backends.dynamoEndpoint });
    await ensureTable(client, TABLE);
    const doc = toDocumentClient(client);
    const ses = createSesClient({ region: 'us-east-1', endpoint: backends.sesEndpoint, retries: 'caller' });
    const readers = Array.from({ length: READERS }, (_, index) => dueReader(index));
    for (const reader of readers) await doc.send(new PutCommand({ TableName: TABLE, Item: subscriberItem(reader) }));
    const keys = readers.flatMap((reader) => [
      { pk: `SUB#${reader.email}`, sk: 'SUB' },
      { pk: `SUB#${reader.email}`, sk: 'WM' },
    ]);
    const records = (run: number, call: number) =>
      readers.slice(0, 25).map((reader) => ({
        PutRequest: {
          Item: {
            pk: `ED#bench-${run}-${call}`,
            sk: `TO#${reader.email}`,
            editionId: `bench-${run}-${call}`,
            email: reader.email,
            status: 'sent',
            claimedAt: '2026-11-26T07:05:00.000Z',
            sentAt: '2026-11-26T07:05:01.000Z',
            messageId: '0100018c-bench-message-id',
            attempts: 1,
            expiresAt: 1_790_000_000,
          },
        },
      }));
    // An edition's literal pieces as template data (about 47 KB), and per reader two links and their headers.
    const pieces = Object.fromEntries(
      Array.from({ length: 90 }, (_, index) => [`h${index}`, `<p>${'Story text, & more. '.repeat(25)}</p>`]),
    );
    const link = (path: string, email: string) =>
      `https://digest.example/${path}?token=${Buffer.from(email).toString('base64url').padEnd(160, 'x')}`;
    const entries = readers.map((reader) => ({
      Destination: { ToAddresses: [reader.email] },
      ReplacementEmailContent: {
        ReplacementTemplate: {
          ReplacementTemplateData: JSON.stringify({
            uh: link('unsubscribe', reader.email),
            ut: link('unsubscribe', reader.email),
            ph: link('preferences', reader.email),
            pt: link('preferences', reader.email),
          }),
        },
      },
      ReplacementHeaders: [
        { Name: 'List-Unsubscribe', Value: `<${link('unsubscribe', reader.email)}>` },
        { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
        { Name: 'X-Digest-Delivery', Value: '2026-11-26_8_Europe/Paris_hourly-1795000000000-0' },
      ],
    }));
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const describeBody = JSON.stringify({ TableName: TABLE });
    const calls = flags.calls;
    const repeat = async (call: (index: number) => Promise<unknown>) => {
      for (let index = 0; index < calls; index += 1) await call(index);
    };
    const cases: BenchCase[] = [
      { name: 'baseline: http POST, no SDK', items: calls, run: () => repeat(() => post(agent, backends.dynamoEndpoint, describeBody)) },
      {
        name: 'UpdateItem (claim, results)',
        items: calls,
        run: (run) =>
          repeat((index) =>
            doc.send(
              new UpdateCommand({
                TableName: TABLE,
                Key: { pk: 'BENCH', sk: `C${index % 10}` },
                UpdateExpression: 'SET attempts = :n',
                ExpressionAttributeValues: { ':n': run },
              }),
            ),
          ),
      },
      {
        name: 'BatchGetItem 100 keys',
        items: calls,
        run: () => repeat(() => doc.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys } } }))),
      },
      {
        name: 'BatchWriteItem 25 items',
        items: calls,
        run: (run) => repeat((index) => doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: records(run, index) } }))),
      },
      {
        name: 'SendBulkEmail 50 recipients',
        items: calls,
        run: () =>
          repeat(() =>
            ses.send(
              new SendBulkEmailCommand({
                FromEmailAddress: 'The Daily Digest <digest@digest.example>',
                DefaultEmailTags: [{ Name: 'edition', Value: 'bench' }],
                DefaultContent: {
                  Template: {
                    TemplateContent: {
                      Subject: '{{subject}}',
                      Html: Object.keys(pieces)
                        .map((name) => `{{${name}}}`)
                        .join('{{uh}}'),
                      Text: '{{ut}}',
                    },
                    TemplateData: JSON.stringify({ subject: 'Your digest', ...pieces }),
                  },
                },
                BulkEmailEntries: entries,
              }),
            ),
          ),
      },
    ];
    printHeader('Requests of one send chunk, client CPU', { calls, runs: flags.runs, warmup: flags.warmup });
    const results = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: cases[0]!.name });
    printTable(results, 'call');
    const cpuPerCall = Object.fromEntries(results.map((result) => [result.name, result.cpuMs / result.items]));
    for (const [name, ms] of Object.entries(cpuPerCall)) printNote(`${name}: ${ms.toFixed(2)} ms CPU per request`);
    const chunkMs = Object.entries(PER_CHUNK).reduce((sum, [name, count]) => sum + count * (cpuPerCall[name] ?? 0), 0);
    printNote(
      `one chunk's ${Object.values(PER_CHUNK).reduce((a, b) => a + b, 0)} requests: ${chunkMs.toFixed(1)} ms CPU, ${(chunkMs / READERS).toFixed(3)} ms per recipient before any other work`,
    );
    emitJson({
      bench: 'send-calls',
      settings: { calls, runs: flags.runs, warmup: flags.warmup },
      rateUnit: 'call',
      results,
      figures: { chunkRequestsCpuMsPerRecipient: chunkMs / READERS },
    });
  } finally {
    backends.stop();
  }
}

runMain(main);
