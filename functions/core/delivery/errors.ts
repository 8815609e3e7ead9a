/**
 * The delivery capability's errors. Each one fails the job so that the queue delivers it again;
 * an outcome value would leave every caller to remember that. DailyQuotaExhaustedError and
 * MailerThrottledError are the Mailer port's, in core/shared/mail.ts.
 */

/** Another sender holds a fresh claim on this row: try again later, when it has finished or is surely gone. */
export class ClaimHeldError extends Error {
  override name = 'ClaimHeldError';
}
