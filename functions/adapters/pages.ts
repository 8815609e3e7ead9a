/**
 * The few server-rendered pages: subscribe, check your inbox, confirmed, unsubscribe and
 * errors. Whole HTML documents from templates/pages/, every dynamic value escaped by
 * fillTemplate. The only script fills in the reader's time zone; without it the form still
 * works and the zone stays UTC.
 */
import { createHash } from 'node:crypto';
import type { FieldIssue } from '../core/errors.ts';
import { emptyMarkup, fillTemplate, joinMarkup, trustedTemplate, type Markup } from './html.ts';
import { TemplateFiles, templatesDir } from './templates.ts';

/** What every page shares; both parts optional so handlers without config still render. */
export interface PageSite {
  digestName?: string | undefined;
  templatesDir?: string | undefined;
  /** config.POSTAL_ADDRESS, for the footer of the web edition. */
  postalAddress?: string | undefined;
}

const DEFAULT_DIGEST_NAME = 'The Daily Digest';
const DEFAULT_SEND_HOUR = 7;
const DEFAULT_TIMEZONE = 'UTC';

/** Form fields with a control on the subscribe page, so an issue can sit next to its control. */
const FIELD_LABELS: Record<string, string> = {
  email: 'Email address',
  sendHour: 'Send hour',
  timezone: 'Time zone',
};
const FIELD_TARGETS: Record<string, string> = { email: 'email', sendHour: 'sendHour', timezone: 'sendHour' };

const SCRIPT_TAG = trustedTemplate('<script>{{code}}</script>');
const ATTRIBUTE_INVALID = trustedTemplate(' aria-invalid="true" aria-describedby="{{id}}"');
const ATTRIBUTE_INVALID_ONLY = trustedTemplate(' aria-invalid="true"');
const HOUR_OPTION = trustedTemplate('      <option value="{{hour}}">{{label}}</option>');
const HOUR_OPTION_SELECTED = trustedTemplate('      <option value="{{hour}}" selected>{{label}}</option>');
const SUMMARY_ITEM_LINKED = trustedTemplate('    <li><a href="#{{target}}">{{message}}</a></li>');
const SUMMARY_ITEM = trustedTemplate('    <li>{{message}}</li>');

export interface SubscribePageArgs {
  /** A message, or the issues of a ValidationError to show beside each field. */
  error?: string | readonly FieldIssue[] | undefined;
  /** What the reader sent, to refill the form; anything that is not a string is ignored. */
  values?: Readonly<Record<string, unknown>> | undefined;
}

export function subscribePage(args: SubscribePageArgs = {}, site: PageSite = {}): string {
  const t = files(site);
  const issues = toIssues(args.error);
  const value = (name: string): string | undefined => {
    const raw = args.values?.[name];
    return typeof raw === 'string' ? raw : undefined;
  };
  // The zone is a hidden field: one the server refused must not come back, or the form could never be sent.
  const zoneRefused = issues.some((issue) => issue.field === 'timezone');
  const timezone = (zoneRefused ? undefined : value('timezone')?.trim()) || DEFAULT_TIMEZONE;
  const sendHour = parseHour(value('sendHour')) ?? DEFAULT_SEND_HOUR;

  const fieldError = (field: string): { id: string; message: Markup } | undefined => {
    const own = issues.filter((issue) => issue.field === field);
    if (own.length === 0) return undefined;
    const id = `${field}-error`;
    const message = own.map((issue) => issue.message).join('; ');
    return { id, message: fillTemplate(t.markup('pages/field-error.html'), { id, message }) };
  };
  const emailError = fieldError('email');
  const hourErrors = [fieldError('sendHour'), fieldError('timezone')].filter((e) => e !== undefined);

  const content = fillTemplate(t.markup('pages/subscribe.html'), {
    digestName: digestName(site),
    errorSummary: errorSummary(t, issues),
    email: value('email') ?? '',
    emailAttributes: emailError ? fillTemplate(ATTRIBUTE_INVALID, { id: emailError.id }) : emptyMarkup,
    emailError: emailError?.message ?? emptyMarkup,
    sendHourDescribedBy: ['timezone-hint', ...hourErrors.map((e) => e.id)].join(' '),
    sendHourInvalid: hourErrors.length > 0 ? ATTRIBUTE_INVALID_ONLY : emptyMarkup,
    hourOptions: hourOptions(sendHour),
    hourErrors: joinMarkup(hourErrors.map((e) => e.message), '\n'),
    timezone,
    // Detect the zone only on a fresh form: after an error, keep what the reader sent.
    detectTimezone: value('timezone') === undefined ? 'true' : 'false',
  });
  return layout(t, site, { title: 'Subscribe', content, script: timezoneScript(t) });
}

export function checkInboxPage(site: PageSite = {}): string {
  const t = files(site);
  const content = fillTemplate(t.markup('pages/check-inbox.html'), { digestName: digestName(site) });
  return layout(t, site, { title: 'Check your inbox', content });
}

export function confirmedPage(site: PageSite = {}): string {
  const t = files(site);
  return layout(t, site, { title: 'Subscribed', content: t.markup('pages/confirmed.html') });
}

/** A GET shows this page; only its POST unsubscribes, so link scanners that follow GETs do not. */
export function unsubscribePage(args: { token: string }, site: PageSite = {}): string {
  const t = files(site);
  const content = fillTemplate(t.markup('pages/unsubscribe.html'), {
    digestName: digestName(site),
    action: `/unsubscribe?token=${encodeURIComponent(args.token)}`,
  });
  return layout(t, site, { title: 'Unsubscribe', content });
}

export interface PreferencesPageArgs {
  token: string;
  email: string;
  timezone: string;
  sendHour: number;
  /** Every zone the reader can pick; the current one is selected. */
  timeZones: readonly string[];
  /** The preferences page offers unsubscribing too; that needs its own purpose-bound token. */
  unsubscribeToken: string;
  notice?: string | undefined;
  error?: readonly FieldIssue[] | undefined;
}

const ZONE_OPTION = trustedTemplate('      <option value="{{zone}}">{{zone}}</option>');
const ZONE_OPTION_SELECTED = trustedTemplate('      <option value="{{zone}}" selected>{{zone}}</option>');

export function preferencesPage(args: PreferencesPageArgs, site: PageSite = {}): string {
  const t = files(site);
  const token = encodeURIComponent(args.token);
  const zones = args.timeZones.includes(args.timezone) ? args.timeZones : [args.timezone, ...args.timeZones];
  const content = fillTemplate(t.markup('pages/preferences.html'), {
    email: args.email,
    notice: args.notice ? fillTemplate(t.markup('pages/notice.html'), { message: args.notice }) : emptyMarkup,
    errorSummary: errorSummary(t, args.error ?? []),
    action: `/preferences?token=${token}`,
    hourOptions: hourOptions(args.sendHour),
    zoneOptions: joinMarkup(
      zones.map((zone) => fillTemplate(zone === args.timezone ? ZONE_OPTION_SELECTED : ZONE_OPTION, { zone })),
      '\n',
    ),
    unsubscribeAction: `/unsubscribe?token=${encodeURIComponent(args.unsubscribeToken)}`,
  });
  return layout(t, site, { title: 'Preferences', content });
}

export function unsubscribedPage(site: PageSite = {}): string {
  const t = files(site);
  const content = fillTemplate(t.markup('pages/unsubscribed.html'), { digestName: digestName(site) });
  return layout(t, site, { title: 'Unsubscribed', content });
}

export function errorPage(args: { status: number; title: string; message: string }, site: PageSite = {}): string {
  const t = files(site);
  const content = fillTemplate(t.markup('pages/error.html'), args);
  return layout(t, site, { title: args.title, content });
}

/** Any other page in the site's layout, around content built with fillTemplate. */
export function sitePage(args: { title: string; content: Markup }, site: PageSite = {}): string {
  return layout(files(site), site, args);
}

/**
 * A Content-Security-Policy for these pages that allows exactly their inline style and
 * script by hash, so no 'unsafe-inline' is needed.
 */
export function pageContentSecurityPolicy(site: PageSite = {}): string {
  const t = files(site);
  const styleHash = sha256Source(t.markup('pages/styles.css').html);
  const scriptHash = sha256Source(t.markup('pages/timezone.js').html);
  return [
    "default-src 'none'",
    `style-src '${styleHash}'`,
    `script-src '${scriptHash}'`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function layout(t: TemplateFiles, site: PageSite, page: { title: string; content: Markup; script?: Markup }): string {
  return fillTemplate(t.markup('pages/layout.html'), {
    title: page.title,
    digestName: digestName(site),
    styles: t.markup('pages/styles.css'),
    content: page.content,
    script: page.script ?? emptyMarkup,
  }).html;
}

function hourOptions(selected: number): Markup {
  return joinMarkup(
    Array.from({ length: 24 }, (_, hour) =>
      fillTemplate(hour === selected ? HOUR_OPTION_SELECTED : HOUR_OPTION, {
        hour,
        label: `${String(hour).padStart(2, '0')}:00`,
      }),
    ),
    '\n',
  );
}

function timezoneScript(t: TemplateFiles): Markup {
  return fillTemplate(SCRIPT_TAG, { code: t.markup('pages/timezone.js') });
}

function errorSummary(t: TemplateFiles, issues: readonly FieldIssue[]): Markup {
  if (issues.length === 0) return emptyMarkup;
  const items = issues.map((issue) => {
    const label = FIELD_LABELS[issue.field];
    const target = FIELD_TARGETS[issue.field];
    const message = label === undefined ? issue.message : `${label}: ${issue.message}`;
    return target === undefined
      ? fillTemplate(SUMMARY_ITEM, { message })
      : fillTemplate(SUMMARY_ITEM_LINKED, { target, message });
  });
  return fillTemplate(t.markup('pages/error-summary.html'), {
    heading: issues.length === 1 ? 'Please fix this:' : 'Please fix these:',
    items: joinMarkup(items, '\n'),
  });
}

function toIssues(error: SubscribePageArgs['error']): readonly FieldIssue[] {
  if (error === undefined) return [];
  if (typeof error === 'string') return [{ field: '(form)', message: error }];
  return error;
}

function parseHour(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,2}$/.test(value.trim())) return undefined;
  const hour = Number(value);
  return hour >= 0 && hour <= 23 ? hour : undefined;
}

function digestName(site: PageSite): string {
  return site.digestName ?? DEFAULT_DIGEST_NAME;
}

function files(site: PageSite): TemplateFiles {
  return new TemplateFiles(templatesDir({ TEMPLATES_DIR: site.templatesDir }));
}

function sha256Source(source: string): string {
  return `sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}`;
}
