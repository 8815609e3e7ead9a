/** What bench:send and its sender processes exchange, and the capacity meter both attach to their clients. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';

export const workerInitSchema = z.object({
  type: z.literal('init'),
  dynamoEndpoint: z.string(),
  sesEndpoint: z.string(),
  tableName: z.string(),
  /** Where to write a V8 CPU profile of this sender, from init (what its cpuMs counts) to finish. */
  profilePath: z.string().optional(),
});

export interface WorkerTotals {
  type: 'totals';
  cpuMs: number;
  dynamoRequests: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  sesRequests: Record<string, number>;
  throttledAttempts: number;
}

/** Read and write capacity units DynamoDB would bill, as dynalite reports them per call. */
export class CapacityMeter {
  read = 0;
  write = 0;

  attachTo(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        (args.input as Record<string, unknown>)['ReturnConsumedCapacity'] = 'TOTAL';
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const isRead = /^(Get|BatchGet|Query|Scan)/.test(context.commandName ?? '');
        for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          const units = (entry as { CapacityUnits?: number }).CapacityUnits ?? 0;
          if (isRead) this.read += units;
          else this.write += units;
        }
        return result;
      },
      { step: 'initialize', name: 'benchCapacityMeter' },
    );
  }
}
