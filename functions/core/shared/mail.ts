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
