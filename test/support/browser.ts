/**
 * A real headless Chromium for end-to-end tests: the @sparticuz/chromium build (no system
 * browser, no download at test time) driven by playwright-core.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';
import { repoRoot } from './local-stack.ts';

/** Screenshots and other files for a human to look at; git-ignored. */
export const artifactsDir = join(repoRoot, 'test/e2e/artifacts');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  return playwright.launch({ executablePath, args: chromium.args, headless: true });
}

/** Runs `use` with a fresh browser and always closes it, even when `use` throws. */
export async function withBrowser<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchBrowser();
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

/** The path for a screenshot named `name`, with the artifacts directory created. */
export async function artifactPath(name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  return join(artifactsDir, name);
}
