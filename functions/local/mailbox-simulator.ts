/**
 * The SES mailbox simulator, locally. aws-ses-v2-local accepts every message and publishes no
 * events, so the local stack would never see a bounce or a complaint. This answers mail to the
 * simulator's addresses as AWS does, with the event notifications SES publishes through a
 * configuration set to SNS, and hands them to the same SNS handler the Lambda runs in AWS.
 *
 * AWS: https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator
 */
import { randomUUID } from 'node:crypto';
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { CHUNK_HEADER, CHUNK_TAG, chunkTagValue, EDITION_TAG, parseChunkName, type ChunkRef } from '../core/delivery/index.ts';
import type { StoredEmail } from './emulators.ts';

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

/** What SES does with mail to one address: the simulator's mailboxes by name, every other address delivered. */
export type SimulatedOutcome = 'success' | 'bounce' | 'complaint' | 'suppressionlist' | 'ooto';

/** `name@` or `name+label@` the simulator's domain, any case: SES routes labels to the same mailbox. */
const SIMULATOR_ADDRESS = /^(success|bounce|complaint|suppressionlist|ooto)(?:\+[^@]*)?@simulator\.amazonses\.com$/i;

export function simulatedOutcome(address: string): SimulatedOutcome {
  const bare = /<([^<>]+)>\s*$/.exec(address)?.[1] ?? address;
  return (SIMULATOR_ADDRESS.exec(bare.trim())?.[1]?.toLowerCase() as SimulatedOutcome | undefined) ?? 'success';
}

/** What the stack knows of a chunk named in a message's header: the edition its digest carries. */
export type EditionOfChunk = (ref: ChunkRef) => Promise<string | undefined>;

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'us-east-1';
const REPORTING_MTA = 'dsn; a8-1.smtp-out.amazonses.com';
const CONFIGURATION_SET = 'digest-mailer-local';
/** How long after the emulator accepts a message its events start: the simulator's answer takes about this in AWS. */
const EVENT_DELAY_MS = 200;

/** SES's own tags on every message, then the message tags the sender set (aws-ses-v2-local keeps none). */
async function messageTags(email: StoredEmail, editionOf: EditionOfChunk): Promise<Record<string, string[]>> {
  const from = email.from ?? '';
  const tags: Record<string, string[]> = {
    'ses:configuration-set': [CONFIGURATION_SET],
    'ses:source-ip': ['127.0.0.1'],
    'ses:from-domain': [from.slice(from.lastIndexOf('@') + 1).replace(/>\s*$/, '')],
    'ses:caller-identity': ['local'],
  };
  const header = email.headers?.find((entry) => entry.name.toLowerCase() === CHUNK_HEADER.toLowerCase())?.value;
  const ref = header === undefined ? undefined : parseChunkName(header);
  if (ref === undefined) return tags;
  tags[CHUNK_TAG] = [chunkTagValue(ref)];
  const editionId = await editionOf(ref);
  if (editionId !== undefined) tags[EDITION_TAG] = [editionId];
  return tags;
}

/**
 * The event notifications SES publishes for one accepted message, in the order it publishes them:
 * Send, then per recipient Delivery, Bounce or Complaint as the simulator answers.
 */
export async function simulatedSesEvents(email: StoredEmail, editionOf: EditionOfChunk, now: Date): Promise<Record<string, unknown>[]> {
  const destination = email.destination?.to ?? [];
  const timestamp = now.toISOString();
  const sentAt = new Date((email.at ?? now.getTime() / 1000) * 1000).toISOString();
  const mail = {
    timestamp: sentAt,
    source: email.from,
    sourceArn: `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${email.from}`,
    sendingAccountId: LOCAL_ACCOUNT,
    messageId: email.messageId,
    destination,
    headersTruncated: false,
    headers: email.headers ?? [],
    commonHeaders: { from: [email.from], to: destination, messageId: email.messageId, subject: email.subject },
    tags: await messageTags(email, editionOf),
  };
  const events: Record<string, unknown>[] = [{ eventType: 'Send', mail, send: {} }];
  const delivered = (recipients: string[]): void => {
    if (recipients.length === 0) return;
    events.push({
      eventType: 'Delivery',
      mail,
      delivery: {
        timestamp,
        processingTimeMillis: 120,
        recipients,
        smtpResponse: '250 2.6.0 Message received',
        reportingMTA: 'a8-1.smtp-out.amazonses.com',
        remoteMtaIp: '127.0.0.1',
      },
    });
  };
  const bounced = (recipient: string, bounceType: string, bounceSubType: string, status: string, diagnosticCode: string): void => {
    events.push({
      eventType: 'Bounce',
      mail,
      bounce: {
        feedbackId: randomUUID(),
        bounceType,
        bounceSubType,
        bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status, diagnosticCode }],
        timestamp,
        reportingMTA: REPORTING_MTA,
      },
    });
  };
  const outcomes = destination.map((recipient) => ({ recipient, outcome: simulatedOutcome(recipient) }));
  // The simulator's mailboxes that accept the message: every address but the bouncing ones.
  delivered(outcomes.filter(({ outcome }) => outcome !== 'bounce' && outcome !== 'suppressionlist').map(({ recipient }) => recipient));
  for (const { recipient, outcome } of outcomes) {
    if (outcome === 'bounce') bounced(recipient, 'Permanent', 'General', '5.1.1', 'smtp; 550 5.1.1 user unknown');
    if (outcome === 'suppressionlist') {
      bounced(
        recipient,
        'Permanent',
        'Suppressed',
        '5.1.1',
        'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
      );
    }
    // An auto-reply arrives as a transient bounce: it says nothing about whether the address works.
    if (outcome === 'ooto')
      bounced(recipient, 'Transient', 'General', '2.0.0', 'smtp; auto-reply: out of the office (Auto-Submitted: auto-replied)');
    if (outcome === 'complaint') {
      events.push({
        eventType: 'Complaint',
        mail,
        complaint: {
          feedbackId: randomUUID(),
          complainedRecipients: [{ emailAddress: recipient }],
          timestamp,
          userAgent: 'Amazon SES Mailbox Simulator',
          complaintFeedbackType: 'abuse',
          arrivalDate: sentAt,
        },
      });
    }
  }
  return events;
}

/** The SNS delivery of `events` to the topic's Lambda subscription, one record per notification. */
export function snsEventOf(events: readonly Record<string, unknown>[], now: Date): SNSEvent {
  const topicArn = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:digest-mailer-ses-events`;
  return {
    Records: events.map((event): SNSEventRecord => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
      Sns: {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: topicArn,
        Message: JSON.stringify(event),
        Timestamp: now.toISOString(),
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    })),
  };
}

/**
 * Feeds each message the emulator accepts through `handle` (the SNS handler), one at a time in
 * the order accepted, a moment after the send returns, as SES's events follow a send.
 */
export function mailboxSimulator(deps: {
  editionOf: EditionOfChunk;
  handle: (event: SNSEvent) => Promise<void>;
  now?: () => Date;
  onError?: (error: unknown) => void;
}): {
  accepted(email: StoredEmail): void;
  /** Resolves when every message accepted so far has had its events handled. */
  idle(): Promise<void>;
} {
  const now = deps.now ?? (() => new Date());
  const onError = deps.onError ?? ((error: unknown) => console.error('mailbox simulator:', error));
  let tail: Promise<void> = Promise.resolve();
  let waiting = 0;
  return {
    accepted(email) {
      waiting += 1;
      // The emulator saves the message before it answers the send: events wait for the sender to record it, as in AWS.
      setTimeout(() => {
        tail = tail
          .then(async () => {
            const events = await simulatedSesEvents(email, deps.editionOf, now());
            await deps.handle(snsEventOf(events, now()));
          })
          .catch(onError)
          .finally(() => (waiting -= 1));
      }, EVENT_DELAY_MS);
    },
    async idle() {
      while (waiting > 0) {
        await tail;
        await new Promise((resolve) => setTimeout(resolve, EVENT_DELAY_MS));
      }
    },
  };
}
