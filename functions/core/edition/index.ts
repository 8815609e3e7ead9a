/** The edition capability's public face: other code imports from here, never from its files. */
export { buildEdition, EDITION_ID_PATTERN, editionDateLabel, editionId, personaliseEdition, recipientSubstitution, type RecipientSubstitution, topicSet } from './edition.ts';
export { editionTemplate, type EditionTemplate, fillTemplate, TEMPLATE_TAG } from './placeholders.ts';
export { EditionNotFoundError } from './errors.ts';
export { type DigestRenderer, type DigestView, type EditionStore, type LocalTimePlaceholders } from './ports.ts';
export { type Edition, type EditionStatus, type Story } from './types.ts';
