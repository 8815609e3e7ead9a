/**
 * The account's SES send quota from SES v2 GetAccount, read once a minute per container: the
 * figures move slowly, and GetAccount has its own (low) rate limit.
 */
import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import type { SendQuota } from '../../core/delivery/index.ts';

const sendQuotaSchema = z.object({
  MaxSendRate: z.number().positive(),
  Max24HourSend: z.number(),
  SentLast24Hours: z.number().min(0),
});

export class SendQuotaUnavailableError extends Error {
  override name = 'SendQuotaUnavailableError';
}

/** The account's send quota (SES v2 GetAccount), cached by the adapter. */
export interface SendQuotaSource {
  get(): Promise<SendQuota>;
}

export const QUOTA_TTL_MS = 60_000;

export class SesQuotaSource implements SendQuotaSource {
  #cached: { quota: SendQuota; readAtMs: number } | undefined;
  #pending: Promise<SendQuota> | undefined;

  constructor(
    private readonly client: SESv2Client,
    private readonly nowMs: () => number = Date.now,
    private readonly ttlMs = QUOTA_TTL_MS,
  ) {}

  async get(): Promise<SendQuota> {
    const cached = this.#cached;
    if (cached && this.nowMs() - cached.readAtMs < this.ttlMs) return cached.quota;
    // Concurrent jobs of one container share one request.
    this.#pending ??= this.#read().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #read(): Promise<SendQuota> {
    const { SendQuota: raw } = await this.client.send(new GetAccountCommand({}));
    const parsed = sendQuotaSchema.safeParse(raw);
    if (!parsed.success) throw new SendQuotaUnavailableError(`SES GetAccount returned no usable SendQuota: ${parsed.error.message}`);
    const quota = {
      maxSendRate: parsed.data.MaxSendRate,
      max24HourSend: parsed.data.Max24HourSend,
      sentLast24Hours: parsed.data.SentLast24Hours,
    };
    this.#cached = { quota, readAtMs: this.nowMs() };
    return quota;
  }
}
