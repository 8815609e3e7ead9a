/**
 * `digest preview [--email ADDRESS] [--out FILE] [--send-to ADDRESS]`: the next edition as one
 * reader (or a reader with no topics) would get it now, built and personalised by the same
 * functions as a real send, and kept out of every store: no edition, claim, delivery row,
 * watermark or counter is written. `--send-to` mails one copy marked as a test.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { Wiring } from '../adapters/runtime/wiring.ts';
import { systemClock } from '../adapters/runtime/system-clock.ts';
import { buildEdition, personaliseEdition, type Edition } from '../core/edition/index.ts';
import type { Article } from '../core/ingest/index.ts';
import { planWindow, windowStart } from '../core/planning/index.ts';
import type { OutgoingEmail } from '../core/shared/index.ts';
import type { Subscriber } from '../core/subscribers/index.ts';
import { loadLocalSettings } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';

export const TEST_SUBJECT_PREFIX = '[TEST] ';
/** Links in a preview of no particular reader are signed for this address, which can never be mailed (RFC 2606). */
export const PREVIEW_ADDRESS = 'preview@example.invalid';

const addressOption = z.email({ error: 'must be an email address' });

export interface PreviewOptions {
  email?: string;
  out?: string;
  sendTo?: string;
}

export interface PreviewResult {
  edition: Edition;
  email: OutgoingEmail;
  reader: string;
}

function address(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  const parsed = addressOption.safeParse(value.trim());
  if (!parsed.success) throw new CliError(`${option} ${parsed.error.issues[0]?.message ?? 'is invalid'}: ${value}`);
  return parsed.data.toLowerCase();
}

/** The edition and email of a preview; reads articles and the reader, writes nothing. */
export async function previewEdition(wiring: Wiring, options: PreviewOptions, now: Date): Promise<PreviewResult> {
  const email = address(options.email, '--email');
  const sendTo = address(options.sendTo, '--send-to');
  const settings = wiring.port('settings');
  let reader: Subscriber | undefined;
  if (email !== undefined) {
    reader = await wiring.port('subscribers').get(email);
    if (reader === undefined) throw new CliError(`No reader ${email}: leave out --email for a reader with no topics.`);
  }
  // The same window and variant as a send-now would give this reader at this second.
  const { cutoff } = planWindow(now, 'now');
  const since = windowStart(reader ?? ({ email: PREVIEW_ADDRESS } as Subscriber), cutoff);
  const articles: Article[] = [];
  for await (const article of wiring.port('articles').listIngested(since, cutoff)) articles.push(article);
  const edition = await buildEdition(
    { since, cutoff, articles, createdAt: now.toISOString(), topics: reader?.topics ?? [] },
    wiring.port('renderer'),
    settings,
    { testCopy: sendTo !== undefined },
  );
  // A test copy carries the tester's own links, so nothing in it acts on the previewed reader.
  const recipient = sendTo ?? reader?.email ?? PREVIEW_ADDRESS;
  const personal = personaliseEdition(
    edition,
    { email: recipient, timezone: reader?.timezone ?? 'UTC', tokenVersion: recipient === reader?.email ? (reader.tokenVersion ?? 0) : 0 },
    now,
    settings,
  );
  return { edition, email: personal, reader: reader?.email ?? 'a reader with no topics' };
}

async function preview(options: PreviewOptions): Promise<number> {
  // Settings first: a bad BRAND_COLOR (or any setting) stops here, named, before anything is read.
  const settings = await loadLocalSettings();
  const wiring = new Wiring(settings.config, { tokenSecret: settings.config.TOKEN_SECRET });
  let result: PreviewResult;
  try {
    result = await previewEdition(wiring, options, systemClock.now());
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CliError(`Cannot build the preview (${reason}). Is \`npm start\` running?`, { cause: error });
  }
  const { edition, email } = result;
  if (options.out !== undefined) {
    try {
      await writeFile(options.out, email.html);
    } catch (error) {
      throw new CliError(`Cannot write ${options.out}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  const nothingNew = edition.stories.length === 0;
  console.error(
    `preview for ${result.reader}: ${edition.stories.length} stories${edition.moreStories.length ? ` (+${edition.moreStories.length} in the web edition)` : ''}` +
      `${nothingNew ? '; nothing new, so a real run would send nothing' : ''}${options.out ? `; HTML written to ${options.out}` : ''}`,
  );
  console.log(`Subject: ${email.subject}`);
  for (const header of email.headers) console.log(`${header.name}: ${header.value}`);
  console.log('');
  process.stdout.write(email.text);
  if (options.sendTo !== undefined) {
    const sent = await wiring.port('mailer').send({ ...email, subject: `${TEST_SUBJECT_PREFIX}${email.subject}` });
    console.error(`test copy sent to ${email.to} (message ${sent.messageId}); recorded nowhere`);
  }
  return 0;
}

export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description(
      'Show the next edition as a reader would get it now; sends, claims and records nothing (except one marked test copy with --send-to)',
    )
    .option('--email <address>', 'preview for this reader (their topics, zone and window); default: a reader with no topics')
    .option('--out <file>', 'write the HTML part to this file')
    .option('--send-to <address>', 'mail one test copy here ("[TEST]" subject and a banner), recorded nowhere')
    .action(async (options: PreviewOptions) => {
      process.exitCode = await preview(options);
    });
}
