/**
 * The delivery capability's errors. Each one fails the job so that the queue delivers it again;
 * an outcome value would leave every caller to remember that. DailyQuotaExhaustedError and
 * MailerThrottledError are the Mailer port's, in core/shared/mail.ts.
 */

/** Another sender holds a fresh claim on this chunk: try again later, when it has finished or is surely gone. */
export class ClaimHeldError extends Error {
  override name = 'ClaimHeldError';
}

/**
 * A job SES could never take: template data or request over SES's documented limits, or a
 * body that is no chunk job. Retrying cannot help; the queue dead-letters it with this reason.
 */
export class ChunkTooLargeError extends Error {
  override name = 'ChunkTooLargeError';
}

/** No send has this id (or none has been made yet, when the latest was asked for). */
export class SendNotFoundError extends Error {
  override name = 'SendNotFoundError';
}
