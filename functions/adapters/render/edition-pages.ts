/**
 * The public web pages of editions: one edition (the email's "view in browser" link) and the
 * archive of recent ones. Rendered from the stored stories, not from the stored email HTML,
 * so the web edition lists every story, including those past the email's limit, and no
 * personal placeholder can reach a public page.
 */
import { type Edition, editionDateLabel, oneEditionPerWindow } from '../../core/edition/index.ts';
import { DEFAULT_DIGEST_NAME } from '../../core/shared/index.ts';
import { digestModel, type DigestFooter } from './digest-content.ts';
import { fillEmailTemplate } from './email-templates.ts';
import { fillTemplate, joinMarkup, trustedTemplate } from './html.ts';
import { sitePage, type PageSite } from './pages.ts';
import { TemplateFiles, templatesDir } from './templates.ts';

export interface EditionSite extends PageSite {
  /** Base URL of the site, no trailing slash. */
  publicUrl: string;
}

/** How many editions the archive lists: a month of dailies; older ones stay reachable by link. */
export const ARCHIVE_LIMIT = 31;
/** Editions read for the archive: room for per-topic variants, which it folds into one entry per window. */
export const ARCHIVE_READ_LIMIT = ARCHIVE_LIMIT * 8;

export function editionPage(edition: Edition, site: EditionSite): string {
  const digestName = site.digestName ?? DEFAULT_DIGEST_NAME;
  const footer: DigestFooter = {
    note: `You are reading the web edition of ${digestName}.`,
    links: [
      { label: 'All editions', href: `${site.publicUrl}/editions` },
      { label: 'Subscribe', href: `${site.publicUrl}/` },
    ],
    postalAddress: site.postalAddress,
  };
  const model = digestModel(
    {
      subject: edition.subject,
      preheader: edition.preheader,
      dateLabel: editionDateLabel(edition.cutoff),
      stories: [...edition.stories, ...edition.moreStories],
      withdrawnCount: edition.withdrawn?.length ?? 0,
    },
    footer,
    digestName,
    site.brand,
  );
  return fillEmailTemplate(new TemplateFiles(templatesDir({ TEMPLATES_DIR: site.templatesDir })), 'digest', model);
}

const ARCHIVE_LIST = trustedTemplate('<h1>All editions</h1>\n<ol class="editions">\n{{items}}\n</ol>');
const ARCHIVE_ITEM = trustedTemplate(
  '<li><a href="/editions/{{id}}">{{date}}</a><br><span>{{subject}}</span> <span class="muted">({{count}})</span></li>',
);
const ARCHIVE_EMPTY = trustedTemplate('<h1>All editions</h1>\n<p class="lead">No edition has been sent yet.</p>');

/** Newest first, as EditionStore.listRecent returns them; at most ARCHIVE_LIMIT entries, one per edition window. */
export function archivePage(recent: readonly Edition[], site: PageSite): string {
  const editions = oneEditionPerWindow(recent).slice(0, ARCHIVE_LIMIT);
  const content =
    editions.length === 0
      ? ARCHIVE_EMPTY
      : fillTemplate(ARCHIVE_LIST, {
          items: joinMarkup(
            editions.map((edition) => {
              const stories = edition.stories.length + edition.moreStories.length;
              return fillTemplate(ARCHIVE_ITEM, {
                id: edition.id,
                date: editionDateLabel(edition.cutoff),
                subject: edition.subject,
                count: stories === 1 ? '1 story' : `${stories} stories`,
              });
            }),
            '\n',
          ),
        });
  return sitePage({ title: 'All editions', content }, site);
}
