/**
 * Where send chunks hold addresses, and how they stop holding them. A chunk names its readers
 * only while it may still send (open, claimed, paused: in GSI1 `OPENCHUNKS`); once it is sent or
 * cancelled its addresses give way to counts, in one conditional write that also takes it out of
 * GSI1. An erasure therefore finds every chunk that still names the reader among the open ones
 * (a day or so of chunks) and takes the reader out of each (docs/security.md, "Erasure").
 */
import { GetCommand, paginateQuery, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChunkRef } from '../../core/delivery/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { chunkKey, OPEN_CHUNKS } from './delivery-items.ts';
import type { ItemKey } from './keys.ts';

/** A reader could not be taken out of a chunk that senders kept writing to. */
export class ChunkScrubContendedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChunkScrubContendedError';
  }
}

/** Tries of a scrub that lost a race with a sender's write on the same chunk before it gives up. */
const SCRUB_TRIES = 5;

const sizeOf = (value: unknown): number =>
  Array.isArray(value) ? value.length : value !== null && typeof value === 'object' ? Object.keys(value).length : 0;

/**
 * A sent or cancelled chunk's addresses become counts; `status` is the state it was seen in, so a
 * write that raced it is not undone. A no-op on a chunk that holds none.
 */
export async function forgetChunkAddresses(
  doc: DynamoDBDocumentClient,
  tableName: string,
  ref: ChunkRef,
  seen?: Record<string, unknown>,
): Promise<void> {
  const item = seen ?? (await doc.send(new GetCommand({ TableName: tableName, Key: chunkKey(ref), ConsistentRead: true }))).Item;
  const status = item?.['status'];
  if (item === undefined || (status !== 'sent' && status !== 'cancelled')) return;
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: chunkKey(ref),
        UpdateExpression: 'SET #counts = :counts REMOVE emails, sent, rejected, gsi1pk, gsi1sk',
        ConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status', '#counts': 'counts' },
        ExpressionAttributeValues: {
          ':status': status,
          ':counts': { recipients: sizeOf(item['emails']), sent: sizeOf(item['sent']), rejected: sizeOf(item['rejected']) },
        },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** Takes `email` (as stored: normalised) out of every chunk that still names it; returns how many chunks it was in. */
export async function eraseFromChunks(doc: DynamoDBDocumentClient, tableName: string, email: string): Promise<number> {
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'gsi1pk = :open',
      FilterExpression: 'contains(emails, :email)',
      ExpressionAttributeValues: { ':open': OPEN_CHUNKS, ':email': email },
      ProjectionExpression: 'pk, sk',
    },
  );
  let chunks = 0;
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      await scrubChunk(doc, tableName, { pk: String(item['pk']), sk: String(item['sk']) }, email);
      chunks += 1;
    }
  }
  return chunks;
}

/** One conditional write on the list position the reader was read at, so a concurrent write to the chunk is never lost. */
async function scrubChunk(doc: DynamoDBDocumentClient, tableName: string, key: ItemKey, email: string): Promise<void> {
  for (let attempt = 0; attempt < SCRUB_TRIES; attempt += 1) {
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const emails = Item?.['emails'];
    const index = Array.isArray(emails) ? emails.indexOf(email) : -1;
    if (index < 0) return;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: `REMOVE emails[${index}], sent.#email, rejected.#email`,
          ConditionExpression: `emails[${index}] = :email`,
          ExpressionAttributeNames: { '#email': email },
          ExpressionAttributeValues: { ':email': email },
        }),
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
  throw new ChunkScrubContendedError(`could not take a reader out of chunk ${key.sk} after ${SCRUB_TRIES} tries`);
}
