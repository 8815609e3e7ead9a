/**
 * The publisher's brand as the emails and pages show it: an accent colour for light and for
 * dark backgrounds, an optional logo and a one-line tagline. No one colour reads on both a
 * white card and a dark one, so the dark accent is derived from the publisher's colour by
 * mixing in white until it reaches the same contrast on the dark card.
 */

/** The card behind stories and links in light mode, and in dark mode (templates/partials/head.mjml). */
export const LIGHT_BACKGROUND = '#ffffff';
export const DARK_BACKGROUND = '#1e293b';
/** WCAG 2 AA for body text. */
export const MIN_CONTRAST = 4.5;
/** What the templates are written with; `npm run templates` turns them into the brand's tags. */
export const DEFAULT_ACCENT = '#1d4ed8';
export const DEFAULT_DARK_ACCENT = '#93c5fd';

export interface Brand {
  /** Links, the masthead rule and buttons on the light card. */
  accent: string;
  /** The same roles in dark mode. */
  accentDark: string;
  /** An https URL, shown above the digest name with the name as its alt text. */
  logoUrl: string | null;
  tagline: string | null;
}

export interface BrandSettings {
  brandColor?: string | undefined;
  logoUrl?: string | undefined;
  tagline?: string | undefined;
}

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function isHexColour(value: string): boolean {
  return HEX.test(value);
}

/** `#abc` or `#aabbcc` as 0-255 channels. */
function channels(hex: string): [number, number, number] {
  if (!HEX.test(hex)) throw new RangeError(`${hex} is not a hex colour`);
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  return [0, 2, 4].map((i) => Number.parseInt(digits.slice(i, i + 2), 16)) as [number, number, number];
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG 2 relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The colour mixed with white in 1% steps until it reaches MIN_CONTRAST on the dark card; the
 * hue stays recognisable, which a fixed dark-mode colour would not keep. White itself has
 * 14.6:1 there, so the loop always ends.
 */
export function darkModeAccent(hex: string): string {
  const rgb = channels(hex);
  for (let step = 0; step <= 100; step += 1) {
    const mixed = toHex(rgb.map((c) => c + ((255 - c) * step) / 100));
    if (contrastRatio(mixed, DARK_BACKGROUND) >= MIN_CONTRAST) return mixed;
  }
  return '#ffffff';
}

/** Mixed with black by `share` (0-1): the pressed and hover shade of a button or link. */
export function darker(hex: string, share = 0.25): string {
  return toHex(channels(hex).map((c) => c * (1 - share)));
}

/** The brand from validated settings; without any, the product's own blue and no logo or tagline. */
export function brandFrom(settings: BrandSettings = {}): Brand {
  const accent = settings.brandColor?.toLowerCase();
  return {
    accent: accent ?? DEFAULT_ACCENT,
    accentDark: accent ? darkModeAccent(accent) : DEFAULT_DARK_ACCENT,
    logoUrl: settings.logoUrl ?? null,
    tagline: settings.tagline ?? null,
  };
}

export const DEFAULT_BRAND: Brand = brandFrom();
