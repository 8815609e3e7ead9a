/**
 * `digest summarize [--sentences N] FILE...`: the digest's summariser on plain files (line 1
 * the title, then prose), one JSON line per file, for trying it on one's own articles.
 */
import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { summarise } from '../core/stories/index.ts';

/**
 * The summariser's own limits. Three sentences in 80 words by default, the length quality is
 * measured at (bench:summary); the email shows two in 60 (EMAIL_SUMMARY_* in core/stories).
 */
export const summariseOptionsSchema = z.object({
  sentences: z.coerce.number().int().min(1).max(10).default(3),
  words: z.coerce.number().int().min(5).max(1000).default(80),
});

export type SummariseOptions = z.input<typeof summariseOptionsSchema>;

/** Far beyond any article; a larger file is not prose and is refused rather than read into memory. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

const articleFileSchema = z
  .string()
  .max(MAX_FILE_BYTES, `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`)
  .refine((content) => !content.includes('\u0000'), 'is not a text file')
  .transform((content) => {
    const [title = '', ...body] = content.replace(/^\uFEFF/u, '').split(/\r\n?|\n/u);
    return { title: title.trim(), text: body.join('\n') };
  });

export interface SummariseOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * Prints `{"file", "sentences"}` for each readable file, in argument order; a file that cannot
 * be read or is not text is reported on `err` and makes the exit code 1, the others still print.
 */
export async function summariseFiles(files: readonly string[], options: SummariseOptions, output: SummariseOutput): Promise<number> {
  const { sentences, words } = summariseOptionsSchema.parse(options);
  let exitCode = 0;
  for (const file of files) {
    let content: string;
    try {
      content = await readFile(file, 'utf8');
    } catch (error) {
      output.err(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
      exitCode = 1;
      continue;
    }
    const parsed = articleFileSchema.safeParse(content);
    if (!parsed.success) {
      output.err(`${file}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
      exitCode = 1;
      continue;
    }
    const summary = summarise(parsed.data, { maxSentences: sentences, maxWords: words });
    output.out(JSON.stringify({ file, sentences: summary }));
  }
  return exitCode;
}

/** A commander option parser from one field of a zod schema, so the limits live in one place. */
function schemaOption(field: z.ZodType<number>): (value: string) => number {
  return (value) => {
    const parsed = field.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues.map((issue) => issue.message).join('; '));
    return parsed.data;
  };
}

export function registerSummariseCommand(program: Command): void {
  program
    .command('summarize')
    .description('Summarise plain-text articles (line 1 the title, then prose): one JSON line per file')
    .argument('<files...>', 'text files')
    .option('--sentences <n>', 'at most this many sentences (1-10)', schemaOption(summariseOptionsSchema.shape.sentences), 3)
    .option('--words <n>', 'word budget of a summary (5-1000)', schemaOption(summariseOptionsSchema.shape.words), 80)
    .action(async (files: string[], options: { sentences: number; words: number }) => {
      process.exitCode = await summariseFiles(files, options, {
        out: (line) => console.log(line),
        err: (line) => console.error(line),
      });
    });
}
