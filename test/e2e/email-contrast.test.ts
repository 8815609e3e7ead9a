/**
 * What a reader can see, measured in a real Chromium in light and dark colour schemes, for every
 * email with no brand settings and with all of them: the confirmation's and the welcome's buttons
 * stand out from the card (3:1, WCAG 1.4.11 for controls) with text at 4.5:1, every visible
 * link reads at 4.5:1 (WCAG 1.4.3) on the background behind it, and the card keeps its rounded
 * corners. Colours are the computed styles;
 * a background is the first non-transparent one up the ancestors, blended when translucent.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contrastRatio } from '../../functions/adapters/render/brand.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import { ALL_BRAND_SETTINGS, renderEveryEmail, type SampleEmail } from '../support/email-gallery.ts';

const SCHEMES = ['light', 'dark'] as const;
type Scheme = (typeof SCHEMES)[number];
const MIN_TEXT_CONTRAST = 4.5;
const MIN_CONTROL_CONTRAST = 3;
/** What Chromium paints behind a page that sets no background, per scheme. */
const CANVAS: Record<Scheme, Rgba> = { light: [255, 255, 255, 1], dark: [18, 18, 18, 1] };

type Rgba = [number, number, number, number];

interface Painted {
  text: string;
  colour: string;
  /** Computed background colours from the element up to the first opaque one, innermost first. */
  backgrounds: string[];
}

interface ButtonLook {
  button: Painted;
  card: Painted;
}

// Strings, not functions: the project's TypeScript has no DOM types.
const PAINT_HELPERS = `
  const alpha = (colour) => { const parts = colour.match(/[\\d.]+/g) || []; return parts.length > 3 ? Number(parts[3]) : 1; };
  const backgroundsOf = (start) => {
    const found = [];
    for (let node = start; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (alpha(colour) > 0) found.push(colour);
      if (alpha(colour) >= 1) break;
    }
    return found;
  };
  const painted = (element, from) => ({ text: element.textContent.trim(), colour: getComputedStyle(element).color, backgrounds: backgroundsOf(from || element) });
`;

const VISIBLE_LINKS = `(() => { ${PAINT_HELPERS}
  return [...document.querySelectorAll('a[href]')].filter((a) => a.checkVisibility({ visibilityProperty: true })).map((a) => painted(a));
})()`;

const buttonLook = (label: string) => `(() => { ${PAINT_HELPERS}
  const button = [...document.querySelectorAll('a[href]')].find((a) => a.textContent.trim() === ${JSON.stringify(label)});
  if (!button) return null;
  const cell = button.closest('table').parentElement;
  return { button: painted(button), card: painted(cell) };
})()`;

/** What shows just inside the card's top-left corner, outside its 8 px curve, and behind the page. */
const CARD_CORNER = `(() => { ${PAINT_HELPERS}
  const card = [...document.querySelectorAll('td')].find((td) => getComputedStyle(td).borderTopLeftRadius === '8px');
  if (!card) return null;
  const box = card.getBoundingClientRect();
  const corner = document.elementFromPoint(box.left + 1, box.top + 1);
  return { corner: painted(corner), page: painted(document.body) };
})()`;

function rgba(colour: string): Rgba {
  const parts = (colour.match(/[\d.]+/g) ?? []).map(Number);
  if (parts.length < 3) throw new Error(`cannot read colour ${colour}`);
  return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
}

function hex([r, g, b]: Rgba): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** The colour a reader sees behind the element: its backgrounds blended from the outermost in. */
function effectiveBackground(backgrounds: string[], scheme: Scheme): string {
  let result = CANVAS[scheme];
  for (const layer of [...backgrounds].reverse().map(rgba)) {
    const a = layer[3];
    result = [0, 1, 2].map((i) => layer[i]! * a + result[i]! * (1 - a)).concat(1) as Rgba;
  }
  return hex(result);
}

function textContrast(painted: Painted, scheme: Scheme): number {
  const background = effectiveBackground(painted.backgrounds, scheme);
  return contrastRatio(hex(rgba(painted.colour)), background);
}

let browser: Browser;
let page: Page;
const galleries: [string, SampleEmail[]][] = [];

beforeAll(async () => {
  galleries.push(['no brand settings', await renderEveryEmail()], ['every brand setting', await renderEveryEmail(ALL_BRAND_SETTINGS)]);
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 800, height: 1000 }, javaScriptEnabled: false });
  await context.route('**/*', (route) => route.abort());
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** The email as a mail client shows it: offline, no scripts, in the given colour scheme. */
async function show(html: string, scheme: Scheme): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.setContent(html, { waitUntil: 'load' });
}

function email(gallery: SampleEmail[], name: SampleEmail['name']): string {
  const found = gallery.find((sample) => sample.name === name);
  if (!found) throw new Error(`no ${name} email`);
  return found.html;
}

describe('email buttons and links in a browser', () => {
  const buttons: [SampleEmail['name'], string][] = [
    ['confirmation', 'Confirm my subscription'],
    ['welcome', 'Choose topics, frequency and time'],
  ];

  for (const scheme of SCHEMES) {
    it(`shows the confirmation and welcome buttons against the card, with readable text, in ${scheme} mode`, async () => {
      for (const [label, gallery] of galleries) {
        for (const [name, text] of buttons) {
          await show(email(gallery, name), scheme);
          const look = await page.evaluate<ButtonLook | null>(buttonLook(text));
          expect(look, `${name} (${label}) has a "${text}" link`).not.toBeNull();
          const button = effectiveBackground(look!.button.backgrounds, scheme);
          const card = effectiveBackground(look!.card.backgrounds, scheme);
          const where = `${name}, ${label}, ${scheme}: button ${button} on card ${card}, text ${look!.button.colour}`;
          expect(contrastRatio(button, card), where).toBeGreaterThanOrEqual(MIN_CONTROL_CONTRAST);
          expect(textContrast(look!.button, scheme), where).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
          if (label === 'every brand setting') {
            await page.screenshot({ path: await artifactPath(`${name}-branded-${scheme}.png`), fullPage: true });
          }
        }
      }
    }, 120_000);

    it(`keeps the card's rounded corners in ${scheme} mode: the page, not a square of card, shows at the corner`, async () => {
      for (const [label, gallery] of galleries) {
        for (const sample of gallery) {
          await show(sample.html, scheme);
          const look = await page.evaluate<{ corner: Painted; page: Painted } | null>(CARD_CORNER);
          expect(look, `${sample.name} (${label}) has a rounded card`).not.toBeNull();
          expect(effectiveBackground(look!.corner.backgrounds, scheme), `${sample.name}, ${label}, ${scheme}`).toBe(
            effectiveBackground(look!.page.backgrounds, scheme),
          );
        }
      }
    }, 120_000);

    it(`gives every visible link in every email 4.5:1 against its background in ${scheme} mode`, async () => {
      for (const [label, gallery] of galleries) {
        for (const sample of gallery) {
          await show(sample.html, scheme);
          const links = await page.evaluate<Painted[]>(VISIBLE_LINKS);
          expect(links.length, `${sample.name} (${label}) has links`).toBeGreaterThan(0);
          for (const link of links) {
            const ratio = textContrast(link, scheme);
            const where = `${sample.name}, ${label}, ${scheme}: "${link.text}" ${link.colour} on ${effectiveBackground(link.backgrounds, scheme)}`;
            expect(ratio, where).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
          }
        }
      }
    }, 120_000);
  }
});
