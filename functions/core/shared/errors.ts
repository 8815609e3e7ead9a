/**
 * Errors every capability may raise. Each capability's own errors live in its errors.ts; the
 * HTTP edge (adapters/http/http.ts) maps all of them to responses in one place, and anything
 * it does not know is an internal error whose message never reaches a client.
 */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `articles.3.url`. */
  field: string;
  message: string;
}

/** Input that breaks a rule, with every offending field named. */
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

/** Markup beyond what the HTML parser handles in bounded time: too deeply nested or too many elements. */
export class HtmlTooComplexError extends Error {
  override name = 'HtmlTooComplexError';
  constructor(
    message: string,
    readonly limit: 'depth' | 'elements',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Something that went wrong without failing the request or job: a use case returns these
 * beside its result, and the caller logs them. Never shown to a client.
 */
export interface ToleratedFailure {
  /** What did not happen, as a log message: "confirmation email failed". */
  what: string;
  cause: unknown;
}
