/** The edition capability's errors. */

/** No edition has this id: raised by EditionStore.setStatus and by whatever needs an edition to exist. */
export class EditionNotFoundError extends Error {
  override name = 'EditionNotFoundError';
}
