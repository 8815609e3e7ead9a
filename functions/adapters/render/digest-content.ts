/**
 * What a digest shows, built once from the stories for both parts of the email and for the web
 * edition: the Mustache model of templates/digest.mjml and the plain-text part. Every value
 * here is plain text (the template step escapes it) or a link that has passed safeHref.
 */
import type { LocalTimePlaceholders, Story } from '../../core/edition/index.ts';
import { type Brand, DEFAULT_BRAND } from './brand.ts';
import { InvalidViewError, safeHref } from './html.ts';

/** The parts of a digest that do not depend on where it is read. */
export interface DigestContent {
  subject: string;
  preheader: string;
  dateLabel: string;
  stories: readonly Story[];
  /** Stories left out and counted in "and K more", with the link to where they are listed. */
  more?: { count: number; href: string } | undefined;
  localTimes?: LocalTimePlaceholders | undefined;
  /** Story i's link is `${storyLinks}<i>__` (a per-recipient placeholder); without it, the article's URL. */
  storyLinks?: string | undefined;
  /** Stories the publisher withdrew after the edition was built: a note says so. */
  withdrawnCount?: number | undefined;
  /** A test copy (`digest preview --send-to`): a banner says so. */
  testCopy?: boolean | undefined;
}

export interface FooterLink {
  label: string;
  /** An http(s) URL or a personal-link placeholder; checked by the caller. */
  href: string;
}

export interface DigestFooter {
  note: string;
  links: readonly FooterLink[];
  postalAddress?: string | undefined;
}

interface StoryModel {
  title: string;
  href: string | null;
  source: string;
  time: string;
  alsoIn: { separator: string; name: string; href: string | null }[];
  summary: string | null;
}

interface SectionModel {
  heading: string | null;
  stories: StoryModel[];
}

/**
 * Every key a section of the template reads is present (null when empty): Mustache looks a
 * missing key up in the enclosing context, so a story without a URL could otherwise borrow one.
 */
export interface DigestModel {
  subject: string;
  preheader: string;
  digestName: string;
  subtitle: string;
  brand: Brand;
  test: { note: string } | null;
  empty: boolean;
  headlines: { title: string }[];
  sections: SectionModel[];
  withdrawn: string | null;
  more: { href: string; label: string } | null;
  footer: { note: string; links: { separator: string; label: string; href: string }[]; postalAddress: string | null };
}

/** The heading of stories without a section when others have one. */
const OTHER_SECTION = 'Other news';
/** A list of headlines helps only when there is more than one. */
const MIN_HEADLINES = 2;
/**
 * An overview, not a table of contents: in-page links do nothing in Gmail iOS, Outlook mobile
 * and Yahoo mobile, and a long list pushes the lead story off a phone's first screen (the
 * template also hides it below 480 px, where the stories themselves are the overview).
 */
export const MAX_HEADLINES = 5;
const TEST_NOTE = 'This is a preview sent by the publisher, not an edition: nothing was recorded, and the links work as in a real digest.';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TEXT_WIDTH = 72;
export const TEXT_RULE = '-'.repeat(TEXT_WIDTH);
const PLACEHOLDER_SHAPE = /^[A-Za-z0-9_]+$/;

export function digestModel(content: DigestContent, footer: DigestFooter, digestName: string, brand: Brand = DEFAULT_BRAND): DigestModel {
  const groups = sectionGroups(content.stories);
  // Sections regroup the stories; a link placeholder names the story's place in the edition.
  const storyIndex = new Map(content.stories.map((story, index) => [story, index]));
  const linkPrefix = content.storyLinks === undefined ? undefined : requirePlaceholder(content.storyLinks, 'storyLinks');
  const sections = groups.map((group) => ({
    heading: group.heading === undefined ? null : cleanText(group.heading),
    stories: group.stories.map((story) =>
      storyModel(story, content.localTimes, linkPrefix === undefined ? undefined : `${linkPrefix}${storyIndex.get(story)}__`),
    ),
  }));
  const all = sections.flatMap((section) => section.stories);
  return {
    subject: cleanText(content.subject),
    preheader: cleanText(content.preheader),
    digestName: cleanText(digestName),
    subtitle: subtitle(content),
    brand: { ...brand, tagline: brand.tagline === null ? null : cleanText(brand.tagline) },
    test: content.testCopy ? { note: TEST_NOTE } : null,
    empty: all.length === 0,
    headlines: all.length < MIN_HEADLINES ? [] : all.slice(0, MAX_HEADLINES).map((story) => ({ title: story.title })),
    sections,
    withdrawn: withdrawnNote(content.withdrawnCount ?? 0),
    more: content.more && content.more.count > 0 ? { href: content.more.href, label: moreLabel(content.more.count) } : null,
    footer: {
      note: cleanText(footer.note),
      links: footer.links.map((link, index) => ({ separator: index === 0 ? '' : ' · ', label: link.label, href: link.href })),
      postalAddress: footer.postalAddress ? cleanText(footer.postalAddress) : null,
    },
  };
}

/** The plain-text part, laid out for reading rather than converted from the HTML. */
export function digestText(model: DigestModel): string {
  const lines: string[] = [model.digestName, ...(model.brand.tagline === null ? [] : wrap(model.brand.tagline)), model.subtitle, ''];
  if (model.test !== null) lines.push(...wrap(`TEST COPY. ${model.test.note}`), '');
  if (model.empty) lines.push('Nothing new since your last digest.', '');
  if (model.headlines.length > 0) {
    lines.push('IN THIS EDITION', '');
    model.headlines.forEach((headline, index) => {
      const number = `${index + 1}. `;
      // A hanging indent, so a long headline's second line lines up under its first word.
      const [first = '', ...rest] = wrap(headline.title, TEXT_WIDTH - number.length);
      lines.push(number + first, ...rest.map((line) => ' '.repeat(number.length) + line));
    });
    lines.push('');
  }
  for (const section of model.sections) {
    if (section.heading !== null) lines.push(TEXT_RULE, section.heading.toUpperCase(), TEXT_RULE, '');
    section.stories.forEach((story, index) => {
      if (index > 0) lines.push(TEXT_RULE, '');
      lines.push(...wrap(story.title), `${story.source} · ${story.time}`);
      if (story.alsoIn.length > 0) lines.push(...wrap(`Also in: ${story.alsoIn.map((other) => other.name).join(', ')}`));
      lines.push('');
      if (story.summary !== null) lines.push(...wrap(story.summary), '');
      if (story.href !== null) lines.push(`Read more: ${story.href}`, '');
    });
  }
  if (model.withdrawn !== null) lines.push(TEXT_RULE, ...wrap(model.withdrawn), '');
  if (model.more) lines.push(TEXT_RULE, `${model.more.label}: ${model.more.href}`, '');
  lines.push(TEXT_RULE, ...wrap(model.footer.note));
  for (const link of model.footer.links) lines.push(`${link.label}: ${link.href}`);
  if (model.footer.postalAddress !== null) lines.push('', ...wrap(model.footer.postalAddress));
  return `${lines.join('\n')}\n`;
}

function storyModel(story: Story, localTimes: LocalTimePlaceholders | undefined, linkPlaceholder: string | undefined): StoryModel {
  const summary = cleanText(story.summary.join(' '));
  const href = safeHref(story.url);
  return {
    title: cleanText(story.title),
    href: href === undefined ? null : (linkPlaceholder ?? href),
    source: cleanText(story.source),
    time: storyTime(story, localTimes),
    alsoIn: story.alsoIn.map((other, index) => ({
      separator: index === 0 ? '' : ', ',
      name: cleanText(other.source),
      href: safeHref(other.url) ?? null,
    })),
    summary: summary === '' ? null : summary,
  };
}

/**
 * Stories grouped by section in order of each section's first story, so the ranking still
 * decides what comes first; stories without a section go last, under "Other news".
 */
function sectionGroups(stories: readonly Story[]): { heading: string | undefined; stories: Story[] }[] {
  const sectioned = stories.some((story) => story.section !== undefined && cleanText(story.section) !== '');
  if (!sectioned) return stories.length === 0 ? [] : [{ heading: undefined, stories: [...stories] }];
  const groups = new Map<string, Story[]>();
  const others: Story[] = [];
  for (const story of stories) {
    const section = story.section === undefined ? '' : cleanText(story.section);
    if (section === '') others.push(story);
    else groups.set(section, [...(groups.get(section) ?? []), story]);
  }
  const result = [...groups].map(([heading, members]) => ({ heading: heading as string | undefined, stories: members }));
  if (others.length > 0) result.push({ heading: OTHER_SECTION, stories: others });
  return result;
}

function subtitle(content: DigestContent): string {
  const zone = content.localTimes ? requirePlaceholder(content.localTimes.zone, 'localTimes.zone') : 'UTC';
  return `${cleanText(content.dateLabel)} · times in ${zone}`;
}

function withdrawnNote(count: number): string | null {
  if (count <= 0) return null;
  return count === 1
    ? 'One story was withdrawn from this edition by the publisher after it was prepared.'
    : `${count} stories were withdrawn from this edition by the publisher after it was prepared.`;
}

function moreLabel(count: number): string {
  return count === 1 ? 'And 1 more story in the web edition' : `And ${count} more stories in the web edition`;
}

/** The publication time when known, else the ingest time: a per-reader placeholder, or UTC. */
function storyTime(story: Story, localTimes: LocalTimePlaceholders | undefined): string {
  const ms = validTime(story.publishedAt) ?? validTime(story.ingestedAt);
  if (ms === undefined) return 'time unknown';
  // The placeholder holds unsigned seconds; a date before 1970 (a publisher's typo) shows in UTC.
  if (localTimes === undefined || ms < 0) return formatUtc(ms);
  return `${requirePlaceholder(localTimes.timePrefix, 'localTimes.timePrefix')}${Math.floor(ms / 1000)}__`;
}

function validTime(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** "26 Nov 2026, 09:00 UTC": the web edition has no reader, so no zone to show times in. */
function formatUtc(ms: number): string {
  const date = new Date(ms);
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

export function requireHref(url: string, field: string): string {
  const href = safeHref(url);
  if (href === undefined) throw new InvalidViewError(`${field} must be an http(s) URL`);
  return href;
}

/** Placeholders are swapped per recipient by exact match, so escaping must leave them unchanged. */
export function requirePlaceholder(value: string, field: string): string {
  if (!PLACEHOLDER_SHAPE.test(value)) {
    throw new InvalidViewError(`${field} must be a placeholder of letters, digits and underscores`);
  }
  return value;
}

/** One line of text: control characters and line breaks collapse to spaces, so text cannot fake layout. */
export function cleanText(value: string): string {
  return value.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/** Greedy word wrap; a word longer than the width (a URL) keeps its own line unbroken. */
export function wrap(text: string, width = TEXT_WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
