/**
 * The few server-rendered pages: subscribe, check your inbox, confirm, confirmed, preferences,
 * unsubscribe, data erased and errors. Whole HTML documents from templates/pages/, every dynamic value escaped by
 * fillTemplate. The only script fills in the reader's time zone; without it the form still
 * works and the zone stays UTC.
 */
import { createHash } from 'node:crypto';
import { domainToUnicode } from 'node:url';
import { DEFAULT_DIGEST_NAME, DEFAULT_SEND_HOUR, DEFAULT_TIME_ZONE, type FieldIssue } from '../../core/shared/index.ts';
import { emptyMarkup, fillTemplate, joinMarkup, trustedTemplate, type Markup } from './html.ts';
import { TemplateFiles, templatesDir } from './templates.ts';
import { type Brand, DEFAULT_BRAND, darker } from './brand.ts';

/** What every page shares; both parts optional so handlers without config still render. */
export interface PageSite {
  digestName?: string | undefined;
  templatesDir?: string | undefined;
  /** config.POSTAL_ADDRESS, for the footer of the web edition. */
  postalAddress?: string | undefined;
  /** The publisher's colour, logo and tagline for the masthead; the product's look without. */
  brand?: Brand | undefined;
}

/** Form fields with a control on the subscribe page, so an issue can sit next to its control. */
const FIELD_LABELS: Record<string, string> = {
  email: 'Email address',
  sendHour: 'Send hour',
  timezone: 'Time zone',
};
const FIELD_TARGETS: Record<string, string> = { email: 'email', sendHour: 'sendHour', timezone: 'sendHour' };

const SCRIPT_TAG = trustedTemplate('<script>{{code}}</script>');
const STYLE_TAG = trustedTemplate('<style>{{css}}</style>');
const BRAND_CSS = trustedTemplate(':root { --accent: {{accent}}; --accent-dark: {{accentDark}}; }');
const LOGO = trustedTemplate('<img class="logo" src="{{src}}" alt="{{alt}}" height="40">');
const TAGLINE = trustedTemplate('<p class="tagline">{{tagline}}</p>');
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
  const timezone = (zoneRefused ? undefined : value('timezone')?.trim()) || DEFAULT_TIME_ZONE;
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
    hourErrors: joinMarkup(
      hourErrors.map((e) => e.message),
      '\n',
    ),
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

/** A GET of the emailed link shows this; only its POST confirms, so link scanners that follow GETs do not. */
export function confirmPage(args: { token: string }, site: PageSite = {}): string {
  const t = files(site);
  const content = fillTemplate(t.markup('pages/confirm.html'), {
    digestName: digestName(site),
    action: `/confirm?token=${encodeURIComponent(args.token)}`,
  });
  return layout(t, site, { title: 'Confirm your subscription', content });
}

export function confirmedPage(args: { preferencesToken: string }, site: PageSite = {}): string {
  const t = files(site);
  const content = fillTemplate(t.markup('pages/confirmed.html'), {
    preferencesUrl: `/preferences?token=${encodeURIComponent(args.preferencesToken)}`,
  });
  return layout(t, site, { title: 'Subscribed', content });
}

export function dataErasedPage(site: PageSite = {}): string {
  const t = files(site);
  return layout(t, site, { title: 'Your data is deleted', content: t.markup('pages/data-erased.html') });
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

/**
 * An address as its reader wrote it: internationalised domains are stored in punycode (what
 * SES takes), but `a@xn--exmple-cua.com` on their own page reads as someone else's address.
 */
function displayAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0 || !email.slice(at + 1).includes('xn--')) return email;
  const domain = domainToUnicode(email.slice(at + 1));
  return domain === '' ? email : `${email.slice(0, at)}@${domain}`;
}

export interface PreferencesPageArgs {
  token: string;
  email: string;
  status: string;
  timezone: string;
  sendHour: number;
  topics: readonly string[];
  frequency: 'daily' | 'weekly';
  weeklyDay: number;
  pausedUntil?: string | undefined;
  /** Every zone the reader can pick; the current one is selected. */
  timeZones: readonly string[];
  /** Topics to offer as tick boxes (a key, or a key with the label to show); the reader's own are ticked. */
  topicChoices: readonly (string | { value: string; label: string })[];
  /** The preferences page offers unsubscribing too; that needs its own purpose-bound token. */
  unsubscribeToken: string;
  notice?: string | undefined;
  error?: readonly FieldIssue[] | undefined;
}

const ZONE_OPTION = trustedTemplate('      <option value="{{zone}}">{{zone}}</option>');
const ZONE_OPTION_SELECTED = trustedTemplate('      <option value="{{zone}}" selected>{{zone}}</option>');
const OPTION = trustedTemplate('      <option value="{{value}}">{{label}}</option>');
const OPTION_SELECTED = trustedTemplate('      <option value="{{value}}" selected>{{label}}</option>');
const CHECKED = trustedTemplate(' checked');
const STATUS_NOTE = trustedTemplate('<p class="notice" role="status">{{message}}</p>');
const STATUS_NOTE_SUBSCRIBE = trustedTemplate('<p class="notice" role="status">{{message}} <a href="/">Subscribe again</a></p>');
const NO_TOPICS = trustedTemplate('    <p>No topics yet: they appear here once stories with topics have arrived.</p>');

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Pause lengths offered; the server accepts any whole number of days up to its limit. */
const PAUSE_CHOICES = [7, 14, 28];

const PREFERENCE_FIELDS: Record<string, { label: string; target: string }> = {
  sendHour: { label: 'Send hour', target: 'sendHour' },
  timezone: { label: 'Time zone', target: 'timezone' },
  frequency: { label: 'How often', target: 'frequency-daily' },
  weeklyDay: { label: 'Weekly on', target: 'weeklyDay' },
  topics: { label: 'Topics', target: 'topics-hint' },
  pause: { label: 'Pause', target: 'pause' },
  confirmErase: { label: 'Delete my data', target: 'confirmErase' },
  action: { label: 'Form', target: 'sendHour' },
};

function options(choices: readonly { value: string | number; label: string }[], selected: string | number): Markup {
  return joinMarkup(
    choices.map((choice) => fillTemplate(choice.value === selected ? OPTION_SELECTED : OPTION, choice)),
    '\n',
  );
}

function statusNote(args: PreferencesPageArgs): Markup {
  if (args.status !== 'confirmed') {
    return fillTemplate(STATUS_NOTE_SUBSCRIBE, { message: 'You are not receiving the digest at the moment.' });
  }
  if (args.pausedUntil) {
    return fillTemplate(STATUS_NOTE, { message: `Paused: your digests start again on ${args.pausedUntil}.` });
  }
  return emptyMarkup;
}

export function preferencesPage(args: PreferencesPageArgs, site: PageSite = {}): string {
  const t = files(site);
  const token = encodeURIComponent(args.token);
  const zones = args.timeZones.includes(args.timezone) ? args.timeZones : [args.timezone, ...args.timeZones];
  const choice = t.markup('pages/choice.html');
  const topicChoices =
    args.topicChoices.length === 0
      ? NO_TOPICS
      : joinMarkup(
          args.topicChoices.map((topic, i) => {
            const { value, label } = typeof topic === 'string' ? { value: topic, label: topic } : topic;
            return fillTemplate(choice, {
              id: `topic-${i}`,
              name: 'topics',
              value,
              label,
              checked: args.topics.includes(value) ? CHECKED : emptyMarkup,
            });
          }),
          '\n',
        );
  const pauseChoices = [
    { value: '', label: args.pausedUntil ? `Keep the pause until ${args.pausedUntil}` : 'Do not pause' },
    ...(args.pausedUntil ? [{ value: 'resume', label: 'Resume now' }] : []),
    ...PAUSE_CHOICES.map((days) => ({ value: String(days), label: `Pause for ${days} days` })),
  ];
  const content = fillTemplate(t.markup('pages/preferences.html'), {
    email: displayAddress(args.email),
    notice: args.notice ? fillTemplate(t.markup('pages/notice.html'), { message: args.notice }) : emptyMarkup,
    errorSummary: errorSummary(t, args.error ?? [], PREFERENCE_FIELDS),
    statusNote: statusNote(args),
    action: `/preferences?token=${token}`,
    hourOptions: hourOptions(args.sendHour),
    zoneOptions: joinMarkup(
      zones.map((zone) => fillTemplate(zone === args.timezone ? ZONE_OPTION_SELECTED : ZONE_OPTION, { zone })),
      '\n',
    ),
    dailyChecked: args.frequency === 'daily' ? CHECKED : emptyMarkup,
    weeklyChecked: args.frequency === 'weekly' ? CHECKED : emptyMarkup,
    weekdayOptions: options(
      WEEKDAYS.map((label, i) => ({ value: i + 1, label })),
      args.weeklyDay,
    ),
    topicChoices,
    pauseOptions: options(pauseChoices, ''),
    unsubscribeAction: `/unsubscribe?token=${encodeURIComponent(args.unsubscribeToken)}`,
  });
  return layout(t, site, { title: 'Preferences', content, script: timezoneScript(t) });
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
 * What the layout has put on a page from the validated brand settings: the brand's colour rule
 * and the logo's origin. The CSP below allows them, and only them, so a page with a brand needs
 * no 'unsafe-inline' and no blanket img-src. Within one process there is one brand; the bound
 * only guards against a caller rendering many.
 */
const brandAssets = { styles: new Set<string>(), imageOrigins: new Set<string>() };
const MAX_BRAND_ASSETS = 16;

function rememberBrandAsset(set: Set<string>, value: string): void {
  if (set.size >= MAX_BRAND_ASSETS && !set.has(value)) set.clear();
  set.add(value);
}

/**
 * A Content-Security-Policy for these pages that allows exactly their inline style and
 * script by hash (and the brand's colour rule and logo, once a page has shown them), so no
 * 'unsafe-inline' is needed.
 */
export function pageContentSecurityPolicy(site: PageSite = {}): string {
  const t = files(site);
  const styleHashes = [t.markup('pages/styles.css').html, ...brandAssets.styles].map((css) => `'${sha256Source(css)}'`);
  const scriptHash = sha256Source(t.markup('pages/timezone.js').html);
  return [
    "default-src 'none'",
    `style-src ${styleHashes.join(' ')}`,
    `script-src '${scriptHash}'`,
    ...(brandAssets.imageOrigins.size > 0 ? [`img-src ${[...brandAssets.imageOrigins].join(' ')}`] : []),
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The masthead's logo and tagline, and the brand's colours, from the validated brand. */
function brandParts(site: PageSite): { brandStyle: Markup; logo: Markup; tagline: Markup } {
  const brand = site.brand ?? DEFAULT_BRAND;
  let brandStyle = emptyMarkup;
  if (brand.accent !== DEFAULT_BRAND.accent) {
    const css = fillTemplate(BRAND_CSS, { accent: brand.accent, accentDark: darker(brand.accent) });
    rememberBrandAsset(brandAssets.styles, css.html);
    brandStyle = fillTemplate(STYLE_TAG, { css });
  }
  let logo = emptyMarkup;
  if (brand.logoUrl !== null) {
    rememberBrandAsset(brandAssets.imageOrigins, new URL(brand.logoUrl).origin);
    logo = fillTemplate(LOGO, { src: brand.logoUrl, alt: digestName(site) });
  }
  const tagline = brand.tagline === null ? emptyMarkup : fillTemplate(TAGLINE, { tagline: brand.tagline });
  return { brandStyle, logo, tagline };
}

function layout(t: TemplateFiles, site: PageSite, page: { title: string; content: Markup; script?: Markup }): string {
  return fillTemplate(t.markup('pages/layout.html'), {
    title: page.title,
    digestName: digestName(site),
    styles: t.markup('pages/styles.css'),
    ...brandParts(site),
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

const SUBSCRIBE_FIELDS: Record<string, { label: string; target: string }> = Object.fromEntries(
  Object.entries(FIELD_LABELS).map(([field, label]) => [field, { label, target: FIELD_TARGETS[field] ?? field }]),
);

function errorSummary(
  t: TemplateFiles,
  issues: readonly FieldIssue[],
  fields: Record<string, { label: string; target: string }> = SUBSCRIBE_FIELDS,
): Markup {
  if (issues.length === 0) return emptyMarkup;
  const items = issues.map((issue) => {
    // Issues inside a list (topics.2) belong to the list's control.
    const field = fields[issue.field] ?? fields[issue.field.split('.')[0] ?? ''];
    const label = field?.label;
    const target = field?.target;
    const message = label === undefined ? issue.message : `${label}: ${issue.message}`;
    return target === undefined ? fillTemplate(SUMMARY_ITEM, { message }) : fillTemplate(SUMMARY_ITEM_LINKED, { target, message });
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
