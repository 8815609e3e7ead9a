/**
 * Bulk access to readers for the operator CLI: import in BatchWriteItem batches of 25, and
 * export with a paged scan. Items come from the store's own mapping (subscriber-item.ts), slot
 * index and TTL attributes included, so imported readers are planned and expired like any other.
 */
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { Subscriber } from '../../core/subscribers/index.ts';
import { keyOf, subscriberKey, type ItemKey } from './keys.ts';
import { BATCH_WRITE_LIMIT, batchGet, batchWrite } from './batch.ts';
import type { ErasureMarks } from './erasure-marks.ts';
import { parseRecord, subscriberRecord } from './records.ts';
import { subscriberItem } from './subscriber-item.ts';
import { registerTimeZones } from './subscriber-store.ts';

export { BATCH_WRITE_LIMIT as IMPORT_BATCH_SIZE };

export interface ImportBatchResult {
  written: number;
  /** Addresses already in the table, whatever their status: an import never overrides a reader's own choice. */
  existing: string[];
  /** Addresses erased at their owner's request. */
  erased: string[];
}

export class DynamoSubscriberBulk {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Needed by importNew only: an export reads no erasure marker. */
    private readonly marks?: ErasureMarks,
  ) {}

  /**
   * Writes the readers that are neither in the table nor erased. At most 25 per call, distinct
   * addresses. Check and write are separate calls (BatchWriteItem has no conditions): a reader
   * subscribing through the form in that gap is overwritten, which an operator import accepts.
   */
  async importNew(readers: readonly Subscriber[]): Promise<ImportBatchResult> {
    if (readers.length > BATCH_WRITE_LIMIT) throw new RangeError(`at most ${BATCH_WRITE_LIMIT} readers per batch`);
    const marks = this.marks;
    if (marks === undefined) throw new TypeError('importNew checks erasure markers: construct the bulk store with them');
    // Markers from before keyed hashes count too (erasure-marks.ts), and are moved to their keyed place.
    const known = await this.existingKeys(
      readers.flatMap((r) => [subscriberKey(r.email), marks.keyFor(r.email), marks.legacyKeyFor(r.email)]),
    );
    const existing: string[] = [];
    const erased: string[] = [];
    const fresh: Subscriber[] = [];
    for (const reader of readers) {
      const legacy = marks.legacyKeyFor(reader.email);
      if (known.has(legacy.pk)) await marks.rewrite(this.doc, this.tableName, legacy, known.get(legacy.pk)?.['erasedAt']);
      if (known.has(marks.keyFor(reader.email).pk) || known.has(legacy.pk)) erased.push(reader.email);
      else if (known.has(subscriberKey(reader.email).pk)) existing.push(reader.email);
      else fresh.push(reader);
    }
    if (fresh.length === 0) return { written: 0, existing, erased };
    const confirmedZones = fresh.filter((r) => r.status === 'confirmed').map((r) => r.timezone);
    await registerTimeZones(this.doc, this.tableName, confirmedZones);
    await batchWrite(
      this.doc,
      this.tableName,
      fresh.map((reader) => ({ PutRequest: { Item: subscriberItem(reader) } })),
    );
    return { written: fresh.length, existing, erased };
  }

  async *scanAll(): AsyncIterable<Subscriber> {
    const pages = paginateScan(
      { client: this.doc },
      { TableName: this.tableName, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'SUB' } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield parseRecord(subscriberRecord, item, keyOf(item));
    }
  }

  /** The items found, by pk, with what a marker's rewrite keeps. */
  private async existingKeys(keys: ItemKey[]): Promise<Map<string, Record<string, unknown>>> {
    const found = await batchGet(this.doc, this.tableName, keys, 'pk, erasedAt');
    return new Map(found.map((item) => [String(item['pk']), item]));
  }
}
