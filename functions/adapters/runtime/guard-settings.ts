/**
 * The send guard's limits as settings (SEND_GUARD_*), validated with the rest of the config at
 * cold start. Defaults are SES's review thresholds: a send pauses before the account's rates
 * reach what SES reviews, let alone the rates at which it pauses sending.
 */
import { z } from 'zod';
import { DEFAULT_GUARD_THRESHOLDS, type GuardThresholds } from '../../core/delivery/index.ts';

const PERCENT_MESSAGE = 'must be a percentage above 0 and at most 100, like 5 or 0.1';
const COUNT_MESSAGE = 'must be a whole number from 1 to 1000000';

const percent = (fraction: number) =>
  z.coerce
    .number({ error: PERCENT_MESSAGE })
    .gt(0, PERCENT_MESSAGE)
    .max(100, PERCENT_MESSAGE)
    .default(fraction * 100);

const wholeCount = (value: number) =>
  z.coerce.number({ error: COUNT_MESSAGE }).int(COUNT_MESSAGE).min(1, COUNT_MESSAGE).max(1_000_000, COUNT_MESSAGE).default(value);

/** Merged into the config schema (config.ts). */
export const guardSettingsShape = {
  /** Permanent bounces, as a percentage of recipients with a known outcome, that pause a send. */
  SEND_GUARD_BOUNCE_PERCENT: percent(DEFAULT_GUARD_THRESHOLDS.bounceRate),
  /** Recipients with a known outcome before the bounce percentage counts. */
  SEND_GUARD_BOUNCE_MIN_KNOWN: wholeCount(DEFAULT_GUARD_THRESHOLDS.bounceMinKnown),
  /** Complaints, as a percentage of recipients with a known outcome, that pause a send. */
  SEND_GUARD_COMPLAINT_PERCENT: percent(DEFAULT_GUARD_THRESHOLDS.complaintRate),
  /** Recipients with a known outcome before the complaint percentage counts. */
  SEND_GUARD_COMPLAINT_MIN_KNOWN: wholeCount(DEFAULT_GUARD_THRESHOLDS.complaintMinKnown),
  /** Complaints that pause a send whatever the percentage. */
  SEND_GUARD_COMPLAINTS: wholeCount(DEFAULT_GUARD_THRESHOLDS.complaintsMax),
};

type GuardSettings = { [K in keyof typeof guardSettingsShape]: z.infer<(typeof guardSettingsShape)[K]> };

export function guardThresholdsFrom(config: GuardSettings): GuardThresholds {
  return {
    bounceRate: config.SEND_GUARD_BOUNCE_PERCENT / 100,
    bounceMinKnown: config.SEND_GUARD_BOUNCE_MIN_KNOWN,
    complaintRate: config.SEND_GUARD_COMPLAINT_PERCENT / 100,
    complaintMinKnown: config.SEND_GUARD_COMPLAINT_MIN_KNOWN,
    complaintsMax: config.SEND_GUARD_COMPLAINTS,
  };
}
