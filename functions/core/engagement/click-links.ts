/**
 * The tracked story links of one reader's digest. The edition is rendered once with a placeholder
 * per story link whose default is the article's own URL (edition/placeholders.ts); a digest sent
 * with click tracking on overrides each with a link under PUBLIC_URL, sealed for this reader,
 * story and send. Without these values (CLICK_TRACKING=off, previews) the links stay direct.
 */
import { type Edition, storyLinkData } from '../edition/index.ts';
import { linkTo, type Settings } from '../shared/index.ts';
import { MAX_STORIES_LINKED, sealClick, storyTag } from './click-token.ts';

/** Path of the redirect: short, since a digest carries one such link per story. */
export const CLICK_PATH = '/c';

export interface ClickLinkReader {
  email: string;
  send: string;
  /** When the digest is handed to SES. */
  sentAt: Date;
}

/** The URL of one story's click link. */
export function clickUrl(settings: Pick<Settings, 'publicUrl' | 'tokenSecret'>, token: string): string {
  return linkTo(settings, `${CLICK_PATH}/${token}`);
}

/** Template data overriding the edition's story links with this reader's click links (HTML and text parts). */
export function clickLinkData(
  edition: Edition,
  reader: ClickLinkReader,
  settings: Pick<Settings, 'publicUrl' | 'tokenSecret'>,
): Record<string, string> {
  const sentAt = Math.floor(reader.sentAt.getTime() / 1000);
  const urls: string[] = edition.stories.slice(0, MAX_STORIES_LINKED + 1).map((story, index) =>
    story.url === undefined
      ? ''
      : clickUrl(
          settings,
          sealClick(settings.tokenSecret, {
            editionId: edition.id,
            story: index,
            storyTag: storyTag(story.articleId),
            send: reader.send,
            email: reader.email,
            sentAt,
          }),
        ),
  );
  return storyLinkData(urls);
}
