/** Timestamp handling for keys and TTL: keys compare as strings, so every timestamp in a key must share one format. */

const SECONDS_PER_DAY = 86_400;

/** The canonical `toISOString()` form (`2026-11-26T07:00:00.000Z`); throws on a string that is no date. */
export function toUtcIso(timestamp: string): string {
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) throw new RangeError(`not an ISO-8601 timestamp: ${JSON.stringify(timestamp)}`);
  return new Date(millis).toISOString();
}

/** `yyyy-mm-dd` of the UTC day the timestamp falls on. */
export function utcDay(timestamp: string): string {
  return toUtcIso(timestamp).slice(0, 10);
}

/** Epoch seconds `days` after the timestamp: the value DynamoDB TTL expects. */
export function expiresAfterDays(timestamp: string, days: number): number {
  return Math.floor(Date.parse(toUtcIso(timestamp)) / 1000) + days * SECONDS_PER_DAY;
}
