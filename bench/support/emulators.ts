/**
 * The real local backends for the benchmarks, in this process: dynalite with the project's
 * table, aws-ses-v2-local, and request counters on the SDK clients that talk to them.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { editionKey } from '../../functions/adapters/dynamo/keys.ts';
import { createSesClient } from '../../functions/adapters/ses/ses-mailer.ts';
import { startSesEmulator } from '../../functions/local/emulators.ts';
import { startDynalite } from '../../test/support/dynamo.ts';

/** Requests an SDK client made, by command name, counting each HTTP attempt (retries included). */
export class RequestCounter {
  readonly #counts = new Map<string, number>();

  /** Counts in the deserialize step, which runs once per attempt, inside the retry middleware. */
  attachTo(client: DynamoDBClient | SESv2Client): void {
    // The two stacks differ only in their input and output types, which this counter never reads.
    (client as DynamoDBClient).middlewareStack.add(
      (next, context) => async (args) => {
        const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
        this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'deserialize', name: 'benchRequestCounter', override: true },
    );
  }

  reset(): void {
    this.#counts.clear();
  }

  total(): number {
    let sum = 0;
    for (const count of this.#counts.values()) sum += count;
    return sum;
  }

  byCommand(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

export interface BenchDynamo {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  requests: RequestCounter;
  deleteEdition(id: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchDynamo(): Promise<BenchDynamo> {
  const { client, doc, tableName, stop } = await startDynalite();
  const requests = new RequestCounter();
  requests.attachTo(client);
  return {
    client,
    doc,
    tableName,
    requests,
    // Benchmarks rebuild the same edition run after run; the app itself never deletes one.
    deleteEdition: async (id) => {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: editionKey(id) }));
    },
    stop,
  };
}

export interface BenchSes {
  endpoint: string;
  client: SESv2Client;
  requests: RequestCounter;
  /** The emulator keeps every message in memory; clearing between runs keeps RSS about the sender. */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchSes(): Promise<BenchSes> {
  const emulator = await startSesEmulator({ port: 0 });
  const client = createSesClient({ region: 'us-east-1', endpoint: emulator.endpoint });
  const requests = new RequestCounter();
  requests.attachTo(client);
  return {
    endpoint: emulator.endpoint,
    client,
    requests,
    clear: async () => {
      const response = await fetch(`${emulator.endpoint}/clear-store`, { method: 'POST' });
      if (!response.ok) throw new Error(`SES emulator clear-store answered ${response.status}`);
    },
    stop: async () => {
      client.destroy();
      await emulator.close();
    },
  };
}
