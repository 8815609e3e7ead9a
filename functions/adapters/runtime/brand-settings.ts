/**
 * The rules of the publisher's brand settings, shared by the runtime config (BRAND_COLOR,
 * LOGO_URL, DIGEST_TAGLINE, REPLY_TO) and the CDK context that becomes those variables, so a
 * value refused at run time is refused at deploy time too.
 */
import { z } from 'zod';
import { contrastRatio, isHexColour, LIGHT_BACKGROUND, MIN_CONTRAST } from '../render/brand.ts';

export const brandColour = z
  .string()
  .trim()
  .refine(isHexColour, { error: 'must be a hex colour like #1d4ed8', abort: true })
  .superRefine((value, ctx) => {
    const ratio = contrastRatio(value, LIGHT_BACKGROUND);
    if (ratio < MIN_CONTRAST) {
      ctx.addIssue({
        code: 'custom',
        message: `must reach ${MIN_CONTRAST}:1 contrast on the light background ${LIGHT_BACKGROUND} (${value} has ${ratio.toFixed(2)}:1); choose a darker shade`,
      });
    }
  })
  .transform((value) => value.toLowerCase());

/** Mail clients block plain-http images on https pages, and a logo must not leak readers over http. */
export const logoUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2000, 'must be at most 2000 characters');

export const tagline = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(120, 'must be at most 120 characters')
  .refine((value) => !/[\u0000-\u001f\u007f\u2028\u2029]/.test(value), 'must be one line without control characters');

export const replyTo = z.email({ error: 'must be an email address' }).max(254, 'must be at most 254 characters');
