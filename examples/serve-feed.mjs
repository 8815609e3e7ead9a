// Serves examples/ on http://localhost:8080 (or FEED_PORT), so the README tour can add a feed without
// internet: `node examples/serve-feed.mjs`, then `npx digest sources add http://localhost:8080/feed.xml`.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const port = Number(process.env.FEED_PORT) || 8080;
const types = { '.xml': 'application/rss+xml; charset=utf-8', '.json': 'application/feed+json; charset=utf-8' };

createServer(async (request, response) => {
  const path = normalize(new URL(request.url ?? '/', 'http://localhost').pathname).replace(/^(\.\.[/\\])+/, '');
  try {
    const file = join(root, path);
    const body = await readFile(file);
    // Validators as a real feed host sends them, so a second poll gets 304 Not Modified.
    const lastModified = (await stat(file)).mtime.toUTCString();
    const etag = `"${body.length}-${Date.parse(lastModified)}"`;
    if (request.headers['if-none-match'] === etag || request.headers['if-modified-since'] === lastModified) {
      response.writeHead(304, { etag, 'last-modified': lastModified });
      return response.end();
    }
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'text/plain; charset=utf-8', etag, 'last-modified': lastModified });
    response.end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found\n');
  }
}).listen(port, () => console.log(`Serving examples/ on http://localhost:${port}/ (feed: http://localhost:${port}/feed.xml)`));
