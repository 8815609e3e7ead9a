/** The edition capability's public face: other code imports from here, never from its files. */
export {
  buildEdition,
  EDITION_ID_PATTERN,
  editionDateLabel,
  editionHeaders,
  editionId,
  editionOf,
  editionSubject,
  listIdHeader,
  personaliseEdition,
  recipientSubstitution,
  type RecipientSubstitution,
  renderEdition,
  topicSet,
} from './edition.ts';
export { type StoryArrangement, type SummaryMemo, windowStories, type WindowStories } from './window-stories.ts';
export { oneEditionPerWindow } from './archive.ts';
export { editionTemplate, type EditionTemplate, fillTemplate, storyLinkData, TEMPLATE_TAG, zoneTemplateData } from './placeholders.ts';
export { EditionNotFoundError } from './errors.ts';
export { type DigestRenderer, type DigestView, type EditionContent, type EditionStore, type LocalTimePlaceholders } from './ports.ts';
export {
  restoreArticle,
  type RestoreReport,
  type TakedownActor,
  withdrawArticle,
  type WithdrawDeps,
  type WithdrawReport,
} from './withdraw.ts';
export { type Edition, type EditionStatus, type Story } from './types.ts';
