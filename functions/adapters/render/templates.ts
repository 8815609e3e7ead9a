/**
 * Where the email and page templates live, and a read-once cache of their text.
 * Bundled Lambdas set TEMPLATES_DIR to the copy shipped next to the bundle, because
 * import.meta.url then points into the bundle, not into this source tree; the validated
 * config carries it here (the renderer's options, the pages' site).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trustedTemplate, type Markup } from './html.ts';

/** This file is functions/adapters/render/templates.ts, so the repo's templates/ is three levels up. */
const REPO_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

/** config.TEMPLATES_DIR when set, else the repo's templates/. */
export function templatesDir(config?: { TEMPLATES_DIR?: string | undefined }): string {
  return resolve(config?.TEMPLATES_DIR || REPO_TEMPLATES_DIR);
}

const fileCache = new Map<string, string>();

export class TemplateFiles {
  readonly dir: string;

  constructor(dir: string = templatesDir()) {
    this.dir = resolve(dir);
  }

  /** The text of `templates/<name>`, read from disk once per process. */
  read(name: string): string {
    const path = resolve(this.dir, name);
    const inside = relative(this.dir, path);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new Error(`template ${name} is outside ${this.dir}`);
    }
    let text = fileCache.get(path);
    if (text === undefined) {
      text = readFileSync(path, 'utf8');
      fileCache.set(path, text);
    }
    return text;
  }

  /** The same text as trusted markup for fillTemplate, without the file's final newline. */
  markup(name: string): Markup {
    return trustedTemplate(this.read(name).trimEnd());
  }
}
