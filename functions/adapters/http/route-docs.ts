/**
 * What each route of the table accepts and answers, for the OpenAPI document (openapi.ts).
 * Request bodies are the zod schemas core validates with; a route in api-routes.ts without an
 * entry here fails the type check (ROUTE_DOCS is keyed by every RouteKey), and
 * test/unit/adapters/http/openapi.test.ts sends each example to the real handler and checks the answer
 * against what is documented.
 */
import { z } from 'zod';
import { articleInputSchema, MAX_BATCH_ARTICLES } from '../../core/ingest/index.ts';
import { preferencesUpdateSchema, subscriptionRequestSchema } from '../../core/subscribers/index.ts';
import { newSourceSchema } from '../../core/sources/index.ts';
import type { RouteKey } from './api-routes.ts';

export type MediaType = 'application/json' | 'application/x-www-form-urlencoded';

export interface ResponseDoc {
  description: string;
  /** A JSON body of this shape. */
  json?: z.ZodType;
  /** A page (text/html). */
  html?: true;
  /** A redirect: the Location header. */
  redirect?: true;
}

export interface ParameterDoc {
  schema: z.ZodType;
  description: string;
  required?: boolean;
  /** A value that names something, for the document and for the fuzz suite's requests. */
  example?: string;
}

/** The API's capabilities, one tag each, in the order a reader of the document meets them. */
export const API_TAGS = {
  articles: 'Publishers send articles into the next digests, and take them down.',
  sources: 'Publishers manage the feeds (RSS, Atom, JSON Feed) polled into articles.',
  subscriptions: 'Readers subscribe, confirm, unsubscribe and manage their preferences through signed emailed links.',
  editions: 'The subscribe page and the sent editions on the web.',
  sends: 'Publishers see what each send did: deliveries, bounces, complaints, unsubscribes and clicks.',
  service: 'Liveness and this document.',
} as const;

export type ApiTag = keyof typeof API_TAGS;

export interface RouteDoc {
  tag: ApiTag;
  summary: string;
  description: string;
  /** The route needs the publisher's key in `x-api-key` (and answers 401, 403 and the key's 429). */
  apiKey?: true;
  query?: Record<string, ParameterDoc>;
  params?: Record<string, ParameterDoc>;
  /** `optional`: the server reads no body (one may be sent, as RFC 8058 mail clients do). */
  body?: { schema: z.ZodType; media: readonly MediaType[]; example: Record<string, unknown>; optional?: true };
  responses: Record<number, ResponseDoc>;
}

const fieldIssue = z.object({ field: z.string().min(1), message: z.string() });

/** Every JSON error the API sends. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string().describe('machine-readable, e.g. validation_failed, unauthorized, not_found'),
    message: z.string(),
    details: z.array(fieldIssue).optional().describe('for validation_failed: each field and what is wrong with it'),
  }),
});

const ingestItemResult = z.union([
  z.object({
    index: z.number().int().min(0),
    status: z.enum(['created', 'duplicate']),
    id: z.string(),
    truncated: z.literal(true).optional(),
  }),
  z.object({ index: z.number().int().min(0), status: z.literal('rejected'), errors: z.array(fieldIssue) }),
  z.object({ index: z.number().int().min(0), status: z.literal('failed'), id: z.string(), errors: z.array(fieldIssue) }),
]);

const count = z.number().int().min(0);

/** `digest sends stats --json` and GET /sends/{id}/stats (core/delivery SendStatsReport). */
export const sendStatsSchema = z.object({
  send: z.string(),
  editions: count.describe('the topic variants the send planned'),
  sent: count,
  delivered: count,
  bounced: z.object({ permanent: count, transient: count }),
  complaints: count,
  unsubscribes: count.describe('one-click and from the page, by the links of this send'),
  clicks: z.object({
    unique: count,
    total: count,
    stories: z.array(z.object({ title: z.string(), clicks: count })).describe('most clicked first'),
  }),
  paused: z.boolean().describe("true while the send's state is paused"),
});

const ingestReport = z.object({
  results: z.array(ingestItemResult).describe('one per article, in the order sent'),
  counts: z.object({ created: count, duplicate: count, rejected: count, failed: count }),
});

const batchRequest = z.object({ articles: z.array(articleInputSchema).min(1).max(MAX_BATCH_ARTICLES) });

/** A source as GET/POST/DELETE /sources show it (api-sources.ts sourceView): exactly these fields. */
export const sourceViewSchema = z.object({
  id: z.string().describe('16 hex characters, stable for the feed'),
  url: z.string(),
  name: z.string().describe("the operator's name for it, else the feed's own title, else its host"),
  feedTitle: z.string().optional().describe("the feed's title as last read"),
  topics: z.array(z.string()),
  fullText: z.boolean(),
  state: z.enum(['active', 'paused', 'failing', 'disabled']),
  consecutiveFailures: z.number().int().min(0),
  failingSince: z.string().optional(),
  nextPollAt: z.string(),
  createdAt: z.string(),
  lastPolledAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastError: z.string().optional(),
});

export type SourceView = z.output<typeof sourceViewSchema>;

const sourceAnswer = z.object({ created: z.boolean(), message: z.string().optional(), source: sourceViewSchema });

const preferencesForm = preferencesUpdateSchema.extend({
  action: z.enum(['save', 'download', 'erase', 'sign-out']).optional().describe('save (the default), download, erase or sign-out'),
  confirmErase: z.literal('yes').optional().describe('required by action=erase'),
});

const personalData = z.object({
  exportedAt: z.string(),
  subscriber: z.record(z.string(), z.unknown()).nullable(),
  deliveries: z.array(z.record(z.string(), z.unknown())),
});

const token = (purpose: string): Record<string, ParameterDoc> => ({
  token: { schema: z.string(), required: true, description: `the signed ${purpose} token from the emailed link` },
});

const page = (description: string): ResponseDoc => ({ description, html: true });
const jsonError = (description: string): ResponseDoc => ({ description, json: errorSchema });
const pageOrJsonError = (description: string): ResponseDoc => ({ description, json: errorSchema, html: true });

/** The link pages' refusals: a malformed or forged link, a reader who is gone, an expired or revoked link. */
const LINK_ERRORS = {
  400: page('the link is malformed, forged or for another page'),
  404: page('nobody is subscribed under this link any more'),
  410: page('the link has expired or was revoked'),
};

/** The `{id}` of the article routes: what POST /articles returned. */
const ARTICLE_ID_PARAM = {
  schema: z.string().regex(/^[0-9a-f]{64}$/),
  required: true,
  description: 'the article id that POST /articles returned (64 hex digits)',
};

export const ROUTE_DOCS: Record<RouteKey, RouteDoc> = {
  'POST /articles': {
    tag: 'articles',
    summary: 'Ingest a batch of articles',
    description:
      'One result per item; one bad item never costs the good ones. Articles are deduplicated by canonical URL within the posting key: another key or feed posting the same URL stores its own article, and the digest shows them as one story.',
    apiKey: true,
    body: {
      schema: batchRequest,
      media: ['application/json'],
      example: {
        articles: [
          { title: 'Rates held', body: 'The central bank held rates at 4%.', source: 'Example News', url: 'https://news.example/rates' },
        ],
      },
    },
    responses: { 200: { description: 'the batch report', json: ingestReport }, 400: jsonError('the body is not a batch') },
  },
  'DELETE /articles/{id}': {
    tag: 'articles',
    summary: 'Withdraw an article (a takedown)',
    description:
      'Takes the article out of every stored edition (re-rendered with a note that a story was withdrawn, so later sends, the web edition and the archive no longer show it) and out of every later edition. Idempotent. Mail already delivered cannot be called back.',
    apiKey: true,
    params: { id: ARTICLE_ID_PARAM },
    responses: {
      200: {
        description: 'withdrawn; the editions it was taken out of',
        json: z.object({ id: z.string(), status: z.literal('withdrawn'), withdrawnAt: z.string(), editions: z.array(z.string()) }),
      },
      400: jsonError('not an article id'),
      404: jsonError('no article with that id'),
    },
  },
  'POST /articles/{id}/restore': {
    tag: 'articles',
    summary: 'Restore a withdrawn article',
    description:
      'Undoes a takedown: editions made from now on take the article again (its ingest time moves to now); editions already made keep the withdrawal. Restoring an article that is shown changes nothing (status "shown"). Allowed to keys that may withdraw it.',
    apiKey: true,
    params: { id: ARTICLE_ID_PARAM },
    responses: {
      200: {
        description: 'restored, or already shown',
        json: z.object({ id: z.string(), status: z.enum(['restored', 'shown']), ingestedAt: z.string() }),
      },
      400: jsonError('not an article id'),
      404: jsonError('no article with that id'),
    },
  },
  'POST /subscriptions': {
    tag: 'subscriptions',
    summary: 'Subscribe (double opt-in)',
    description: "The same 202 whatever the address's state; a confirmation link is mailed. A form post gets pages back.",
    body: {
      schema: subscriptionRequestSchema,
      media: ['application/json', 'application/x-www-form-urlencoded'],
      example: { email: 'reader@example.com', timezone: 'Europe/London', sendHour: 7, topics: ['science'] },
    },
    responses: {
      202: {
        description: 'accepted (JSON, or the check-your-inbox page for a form)',
        json: z.object({ status: z.literal('pending'), message: z.string() }),
        html: true,
      },
      400: pageOrJsonError('an invalid field (a form gets the form again beside it)'),
      429: pageOrJsonError('too many requests from this address'),
    },
  },
  'GET /confirm': {
    tag: 'subscriptions',
    summary: 'The confirm page (a button; a GET confirms nothing)',
    description: 'The page the confirmation email links to. Link scanners follow GETs, so only its button (POST /confirm) confirms.',
    query: token('confirm'),
    responses: { 200: page('the page with the Confirm button'), ...LINK_ERRORS },
  },
  'POST /confirm': {
    tag: 'subscriptions',
    summary: 'Confirm a subscription',
    description: 'The Confirm button: the address becomes a reader and a welcome email is sent.',
    query: token('confirm'),
    responses: {
      200: page('confirmed'),
      409: page('nothing waits for confirmation'),
      ...LINK_ERRORS,
      410: page('the request or link has expired, or was revoked'),
    },
  },
  'GET /unsubscribe': {
    tag: 'subscriptions',
    summary: 'The unsubscribe page (a button)',
    description:
      "The page a digest's Unsubscribe link opens. Link scanners follow GETs, so only its button (POST /unsubscribe) unsubscribes.",
    query: token('unsubscribe'),
    responses: { 200: page('the page with the Unsubscribe button'), ...LINK_ERRORS },
  },
  'POST /unsubscribe': {
    tag: 'subscriptions',
    summary: 'Unsubscribe (RFC 8058 one-click); idempotent',
    description:
      "The page's button, and the one-click request a mailbox provider sends from the List-Unsubscribe-Post header. The token says who; the body is not read, so none is needed (providers send List-Unsubscribe=One-Click).",
    query: token('unsubscribe'),
    body: {
      schema: z.object({ 'List-Unsubscribe': z.literal('One-Click').optional() }),
      media: ['application/x-www-form-urlencoded'],
      example: { 'List-Unsubscribe': 'One-Click' },
      optional: true,
    },
    responses: { 200: page('unsubscribed'), ...LINK_ERRORS },
  },
  'GET /preferences': {
    tag: 'subscriptions',
    summary: 'The preference centre',
    description:
      "Send hour, time zone, frequency and topics, with buttons to download or erase the reader's data and to sign out of every link mailed so far.",
    query: { ...token('preferences'), done: { schema: z.string(), description: 'a notice to show after a redirect (signed-out)' } },
    responses: { 200: page('the preference centre'), ...LINK_ERRORS },
  },
  'POST /preferences': {
    tag: 'subscriptions',
    summary: "Save preferences, download or erase the reader's data, or sign out of old links",
    description:
      "The preference centre's form; `action` picks what it does. Signing out revokes every link mailed so far and redirects to a fresh one.",
    query: token('preferences'),
    body: {
      schema: preferencesForm,
      media: ['application/x-www-form-urlencoded', 'application/json'],
      example: { action: 'save', sendHour: '8', timezone: 'Europe/Paris', frequency: 'daily' },
    },
    responses: {
      200: {
        description: "saved or erased (a page); for action=download, the reader's data as a JSON attachment",
        html: true,
        json: personalData,
      },
      303: { description: 'signed out: to the preference centre under a fresh link', redirect: true },
      ...LINK_ERRORS,
      400: page('an invalid field (the form again beside it), or a bad link'),
    },
  },
  'GET /': {
    tag: 'editions',
    summary: 'The subscribe page',
    description: 'The form that posts to POST /subscriptions.',
    responses: { 200: page('the subscribe form') },
  },
  'GET /health': {
    tag: 'service',
    summary: 'Liveness',
    description: 'Answers without touching the tables: for load balancers and uptime checks.',
    responses: { 200: { description: 'up', json: z.object({ status: z.literal('ok') }) } },
  },
  'GET /editions': {
    tag: 'editions',
    summary: 'The archive: the 31 newest editions',
    description: 'Links to the web version of each edition, newest first.',
    responses: { 200: page('the archive') },
  },
  'GET /editions/{id}': {
    tag: 'editions',
    summary: 'The web version of one edition',
    description: 'The edition as mailed, to read in a browser; withdrawn stories are gone from it.',
    params: { id: { schema: z.string(), required: true, description: 'the edition id', example: '20261126T070000-20261125T070000' } },
    responses: { 200: page('the edition'), 400: page('not an edition id'), 404: page('no such edition') },
  },
  'GET /c/{token}': {
    tag: 'editions',
    summary: 'A story link of a digest (click tracking)',
    description:
      "Redirects to the story's URL as the stored edition has it; the link names a story of an edition, never a URL, so no other address can come out. The click is counted later, off this path: not a HEAD, not a GET sooner than 30 s after the digest was sent, and not several links of one digest within seconds (mail scanners). With CLICK_TRACKING=off digests link to articles directly.",
    params: { token: { schema: z.string(), required: true, description: 'the sealed click token from the digest' } },
    responses: {
      302: { description: "to the story's URL", redirect: true },
      400: page('the link is malformed or was altered (no Location)'),
      404: page('the story or its edition is gone (no Location)'),
    },
  },
  'POST /sources': {
    tag: 'sources',
    summary: 'Add a feed source (RSS, Atom or JSON Feed)',
    description:
      'Polled every 15 minutes into the articles. Adding a URL that is already a source changes nothing and answers 200 saying so.',
    apiKey: true,
    body: {
      schema: newSourceSchema,
      media: ['application/json'],
      example: { url: 'https://news.example/feed.xml', name: 'Example News', topics: ['economy'] },
    },
    responses: {
      201: { description: 'added', json: sourceAnswer },
      200: { description: 'already a source: nothing changed', json: sourceAnswer },
      400: jsonError('an invalid field'),
      409: jsonError('there are already MAX_SOURCES sources'),
    },
  },
  'GET /sources': {
    tag: 'sources',
    summary: 'List feed sources and their health',
    description: 'Every source with its state (active, paused, failing, disabled), its failures in a row and when it is polled next.',
    apiKey: true,
    responses: { 200: { description: 'every source', json: z.object({ sources: z.array(sourceViewSchema) }) } },
  },
  'DELETE /sources/{id}': {
    tag: 'sources',
    summary: 'Remove a feed source (its articles stay)',
    description: 'It is no longer polled; articles already ingested from it stay in the editions.',
    apiKey: true,
    params: { id: { schema: z.string(), required: true, description: 'the source id (16 hex characters) from GET /sources' } },
    responses: { 200: { description: 'removed', json: z.object({ removed: sourceViewSchema }) }, 404: jsonError('no such source') },
  },
  'GET /sends/{id}/stats': {
    tag: 'sends',
    summary: "One send's results",
    description:
      'What one send (an hourly slot run or a send-now, across its topic variants) did: sent, delivered, permanent and transient ' +
      'bounces, complaints, unsubscribes, and clicks in all and per story. The same report as `digest sends stats SEND --json`.',
    apiKey: true,
    params: {
      id: {
        schema: z.string(),
        required: true,
        description: 'the send id (`now-<uuid>` or `hourly-<ms>`) from `digest sends list`',
        example: 'now-0b6f2f1c-6f0e-4c7e-9d4a-2c1d3e4f5a6b',
      },
    },
    responses: {
      200: { description: "the send's results", json: sendStatsSchema },
      400: jsonError('not a send id'),
      404: jsonError('no such send'),
    },
  },
  'GET /openapi.json': {
    tag: 'service',
    summary: 'This document',
    description: 'Generated from the route table and the schemas that validate requests, with this deployment as its server.',
    responses: { 200: { description: 'OpenAPI 3.1', json: z.object({ openapi: z.string() }).loose() } },
  },
};
