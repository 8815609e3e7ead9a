/**
 * `digest`: the operator's command line for the local stack (or any deployment, for ingest and
 * the data commands). Same environment settings as `npm start`.
 *
 * This file is the command table and nothing else. A command's module, with its options and
 * everything it imports, loads only when that command runs, so `digest --help` answers without
 * loading the AWS SDK, the renderer or the feed parsers.
 */
import { Command, Help } from 'commander';
import { CliError } from './cli-error.ts';

// The AWS SDK warns once per process on Node 20 that its 2027 releases will need Node 22 (Lambda
// runs 22); its documented switch turns off that one warning and leaves every other on.
if (!process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'])
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

type Register = (program: Command) => void;

/**
 * Each top-level command: how `digest --help` lists it (its usage and description, as its module
 * declares them), and the module that registers it in full.
 */
const COMMANDS: Record<string, { usage: string; summary: string; load: () => Promise<Register> }> = {
  ingest: {
    usage: 'ingest [options] <file>',
    summary: 'POST a JSON batch of articles ({"articles": [...]} or a bare array) to the API',
    load: async () => (await import('./ingest.ts')).registerIngestCommand,
  },
  'send-now': {
    usage: 'send-now',
    summary: "Build the current edition now and send it to every confirmed reader who has not had today's digest",
    load: async () => (await import('./send-now.ts')).registerSendNowCommand,
  },
  send: {
    usage: 'send',
    summary: "Look after sends: today's chunks (status), the dead-letter list (redrive), resume or cancel a send",
    load: async () => (await import('./send.ts')).registerSendCommands,
  },
  keys: { usage: 'keys', summary: 'Manage ingest API keys', load: async () => (await import('./keys.ts')).registerKeyCommands },
  subscribers: {
    usage: 'subscribers',
    summary: 'Import, export and delete readers',
    load: async () => (await import('./subscribers.ts')).registerSubscriberCommands,
  },
  sends: {
    usage: 'sends',
    summary: 'What each send did: `sends list`, `sends stats [SEND] [--json]`',
    load: async () => (await import('./sends.ts')).registerSendsCommands,
  },
  status: {
    usage: 'status [options]',
    summary:
      'Show the last editions with sent / skipped / failed / bounced counts, the daily quota status, and feed sources and their health',
    load: async () => (await import('./status.ts')).registerStatusCommand,
  },
  preview: {
    usage: 'preview [options]',
    summary:
      'Show the next edition as a reader would get it now; sends, claims and records nothing (except one marked test copy with --send-to)',
    load: async () => (await import('./preview.ts')).registerPreviewCommand,
  },
  articles: {
    usage: 'articles',
    summary: 'Manage ingested articles',
    load: async () => (await import('./articles.ts')).registerArticleCommands,
  },
  sources: {
    usage: 'sources',
    summary: 'Manage feed sources (RSS, Atom, JSON Feed) polled into the articles',
    load: async () => (await import('./sources.ts')).registerSourceCommands,
  },
  summarize: {
    usage: 'summarize [options] <files...>',
    summary: 'Summarise plain-text articles (line 1 the title, then prose): one JSON line per file',
    load: async () => (await import('./summarize.ts')).registerSummariseCommand,
  },
};

/** The command a run names (`digest NAME ...` or `digest help NAME`), if the table has it. */
function commandNamed(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}

async function run(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('digest')
    .description('Operate digest-mailer: ingest articles, send the digest, manage readers and keys.')
    .showHelpAfterError();
  const name = commandNamed(argv.slice(2));
  if (name !== undefined) {
    (await COMMANDS[name]!.load())(program);
  } else {
    // Only listed, so that help and "unknown command" need no command's module.
    for (const [listed, { summary }] of Object.entries(COMMANDS)) program.command(listed).description(summary);
    const term = Help.prototype.subcommandTerm;
    program.configureHelp({ subcommandTerm: (command) => COMMANDS[command.name()]?.usage ?? term.call(program.createHelp(), command) });
  }
  await program.parseAsync(argv);
}

run(process.argv).catch(async (error: unknown) => {
  // Our own errors and bad settings are the user's to fix and say so; anything else is a bug.
  const { ConfigError } = await import('../adapters/runtime/config.ts');
  console.error(error instanceof CliError || error instanceof ConfigError ? error.message : `Unexpected error: ${String(error)}`);
  process.exitCode = 1;
});
