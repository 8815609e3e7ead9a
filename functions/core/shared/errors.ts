/**
 * Named domain errors. Handlers map them to HTTP in one place (handlers/http.ts);
 * anything else is an internal error and never shows its message to a client.
 */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `articles.3.url`. */
  field: string;
  message: string;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A link token that is malformed, forged, expired or meant for another purpose. */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  constructor(
    message: string,
    /** `revoked`: a manage link from before the reader signed out of old links. */
    readonly reason: 'malformed' | 'signature' | 'expired' | 'purpose' | 'revoked',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A stored item that does not match the schema: a bug or a manual edit, never the caller's fault. */
export class CorruptRecordError extends Error {
  override name = 'CorruptRecordError';
}

/** One caller sent too many requests; the answer names no address, so it reveals nothing about readers. */
export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError';
}
