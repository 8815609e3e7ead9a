/** An email as core hands it to whatever sends it. */

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  /** SES message tags; they come back on bounce and complaint events (mail.tags), e.g. the edition id. */
  tags?: { name: string; value: string }[];
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/*
 * The two refusals a Mailer may throw that the send batch treats apart from other failures,
 * so they belong to the port's contract rather than to the adapter that throws them.
 */

/** The provider refused for rate: the same send may succeed later, unlike a rejected message. */
export class MailerThrottledError extends Error {
  override name = 'MailerThrottledError';
}

/** The account sent its 24-hour allowance: stop and leave the jobs queued for a later hour. */
export class DailyQuotaExhaustedError extends Error {
  override name = 'DailyQuotaExhaustedError';
}
