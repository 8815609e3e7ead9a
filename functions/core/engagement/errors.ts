/** The engagement capability's errors; adapters/http maps them to responses. */

/** A click link that opens but names no story of a stored edition (the edition is gone, or the story was withdrawn). */
export class ClickTargetNotFoundError extends Error {
  override name = 'ClickTargetNotFoundError';
}
