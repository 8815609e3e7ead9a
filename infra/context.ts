import type { App } from 'aws-cdk-lib';
import { z } from 'zod';
import { brandColour, logoUrl, replyTo, tagline } from '../functions/adapters/runtime/brand-settings.ts';

export const PLACEHOLDER_SENDER = 'digest@example.com';

export class DigestContextError extends Error {
  override name = 'DigestContextError';
}

const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

const domainName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name');

const digestContextSchema = z
  .object({
    senderEmail: z.preprocess(emptyAsUndefined, z.email().optional()),
    senderDomain: z.preprocess(emptyAsUndefined, domainName.optional()),
    // Links in emails must survive mail clients and scanners: https only, no trailing slash.
    publicUrl: z.preprocess(
      emptyAsUndefined,
      z
        .url({ protocol: /^https$/, error: 'must be an https URL' })
        .transform((url) => url.replace(/\/+$/, ''))
        .optional(),
    ),
    alarmEmail: z.preprocess(emptyAsUndefined, z.email().optional()),
    // It becomes the display name in From, so nothing that could break out of it.
    digestName: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .min(1)
        .max(80)
        .regex(/^[^<>"\\\r\n]+$/, 'must not contain < > " \\ or line breaks')
        .optional(),
    ),
    // One line in every footer; the same rule as the POSTAL_ADDRESS variable it becomes.
    postalAddress: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .min(1)
        .max(300)
        .regex(/^[^\u0000-\u001f\u007f]+$/, 'must be one line without control characters')
        .optional(),
    ),
    // The publisher's brand: the same rules as BRAND_COLOR, LOGO_URL, DIGEST_TAGLINE and REPLY_TO.
    brandColor: z.preprocess(emptyAsUndefined, brandColour.optional()),
    logoUrl: z.preprocess(emptyAsUndefined, logoUrl.optional()),
    digestTagline: z.preprocess(emptyAsUndefined, tagline.optional()),
    replyTo: z.preprocess(emptyAsUndefined, replyTo.optional()),
  })
  // With only a domain, send as digest@ that domain: `-c senderDomain=example.org` alone is a valid deploy.
  .transform((context) => ({
    ...context,
    senderEmail: context.senderEmail ?? (context.senderDomain ? `digest@${context.senderDomain}` : PLACEHOLDER_SENDER),
  }))
  .refine((context) => !context.senderDomain || context.senderEmail.toLowerCase().endsWith(`@${context.senderDomain.toLowerCase()}`), {
    message: 'must be an address at senderDomain, or SES will refuse to send from it',
    path: ['senderEmail'],
  });

export type DigestContext = z.infer<typeof digestContextSchema>;

const CONTEXT_KEYS = [
  'senderEmail',
  'senderDomain',
  'publicUrl',
  'alarmEmail',
  'digestName',
  'postalAddress',
  'brandColor',
  'logoUrl',
  'digestTagline',
  'replyTo',
] as const;

/** The deploy-time settings, from cdk.json or `-c key=value`, checked once before any construct exists. */
export function readDigestContext(app: Pick<App, 'node'>): DigestContext {
  const raw = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, app.node.tryGetContext(key) as unknown]));
  const parsed = digestContextSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DigestContextError(`Invalid CDK context:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
