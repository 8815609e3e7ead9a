import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mjml2html from 'mjml';
import { describe, expect, it } from 'vitest';
import {
  EMAIL_TEMPLATES,
  compileEmailTemplate,
  compiledPath,
  expandIncludes,
  SOURCE_DIR,
  TemplateCompileError,
} from '../../functions/build/compile-templates.ts';

describe('compiled email templates', () => {
  it.each(EMAIL_TEMPLATES)('templates/compiled/%s.html is what the MJML compiles to now (run npm run templates)', async (name) => {
    const committed = await readFile(compiledPath(name), 'utf8');
    expect(committed).toBe(await compileEmailTemplate(name));
  });

  it.each(EMAIL_TEMPLATES)('%s.mjml passes mjml validation with zero errors, soft and strict', async (name) => {
    const source = await expandIncludes(await readFile(`${SOURCE_DIR}/${name}.mjml`, 'utf8'));
    const soft = await mjml2html(source, { validationLevel: 'soft', fonts: {} });
    expect(soft.errors).toEqual([]);
    await expect(mjml2html(source, { validationLevel: 'strict', fonts: {} })).resolves.toBeDefined();
  });

  it.each(EMAIL_TEMPLATES)('%s has no unescaped, partial or delimiter-changing Mustache tag left', async (name) => {
    const compiled = await readFile(compiledPath(name), 'utf8');
    expect(compiled).not.toMatch(/\{\{\s*[{&>=]/);
    expect(compiled).not.toContain('<mj-');
  });

  it('fails the build on MJML that strict validation rejects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'digest-templates-'));
    try {
      await writeFile(join(dir, 'digest.mjml'), '<mjml><mj-body><mj-column><mj-text>x</mj-text></mj-column></mj-body></mjml>');
      await expect(compileEmailTemplate('digest', dir)).rejects.toBeInstanceOf(TemplateCompileError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
