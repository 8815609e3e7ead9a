/**
 * How a reader is laid out as a table item: the one mapping that DynamoSubscriberStore.put and
 * the bulk import both write, so an imported reader is planned, listed and expired like any other.
 */
import { PENDING_LIFETIME_MS, type Subscriber } from '../../core/subscribers/index.ts';
import { subscriberKey } from './keys.ts';

/**
 * The attributes a reader's item carries beside its key. Index and TTL attributes the reader
 * should not have are present as `undefined`, so put() knows to remove them from an older item.
 */
export function subscriberAttributes(subscriber: Subscriber): Record<string, unknown> {
  const confirmed = subscriber.status === 'confirmed';
  return {
    ...subscriber,
    // Only confirmed readers carry slot attributes, which is what keeps GSI2 sparse.
    gsi2pk: confirmed ? slotPartition(subscriber) : undefined,
    gsi2sk: confirmed ? subscriber.email.toLowerCase() : undefined,
    // DynamoDB's TTL removes a pending subscription nobody confirmed; any other status keeps the record.
    expiresAt: subscriber.status === 'pending' ? pendingExpiry(subscriber) : undefined,
  };
}

/** The whole item of a reader written for the first time, as a PutRequest takes it. */
export function subscriberItem(subscriber: Subscriber): Record<string, unknown> {
  const defined = Object.entries(subscriberAttributes(subscriber)).filter(([, value]) => value !== undefined);
  return { ...Object.fromEntries(defined), ...subscriberKey(subscriber.email) };
}

export function slotPartition(slot: Pick<Subscriber, 'timezone' | 'sendHour'>): string {
  return `SLOT#${slot.timezone}#${slot.sendHour}`;
}

function pendingExpiry(subscriber: Subscriber): number {
  const pendingSince = Date.parse(subscriber.consent?.at ?? subscriber.updatedAt);
  return Math.floor((pendingSince + PENDING_LIFETIME_MS) / 1000);
}
