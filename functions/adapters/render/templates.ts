/**
 * Where the email and page templates live, and a read-once cache of their text. The validated
 * config's TEMPLATES_DIR reaches here through the renderer's options and the pages' site; a page
 * rendered without either (the HTTP edge's error page) finds the templates by itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trustedTemplate, type Markup } from './html.ts';

/**
 * In a Lambda, import.meta.url is the bundle, and the afterBundling hook puts templates/ beside
 * it; in the source tree this file is functions/adapters/render/templates.ts, three levels down.
 */
const BUNDLED_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));
const REPO_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));
const FOUND_TEMPLATES_DIR = existsSync(BUNDLED_TEMPLATES_DIR) ? BUNDLED_TEMPLATES_DIR : REPO_TEMPLATES_DIR;

/** config.TEMPLATES_DIR when set, else the templates/ beside the bundle or in the repo. */
export function templatesDir(config?: { TEMPLATES_DIR?: string | undefined }): string {
  return resolve(config?.TEMPLATES_DIR || FOUND_TEMPLATES_DIR);
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
