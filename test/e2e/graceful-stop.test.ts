/**
 * SIGTERM drains: the real `npm start` process, stopped while a batch of 100 articles is still
 * arriving, finishes that request (the client gets its full answer and every article is stored),
 * refuses new connections meanwhile, and still exits within the 10 s the contract allows.
 */
import { request as httpRequest } from 'node:http';
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../support/local-stack.ts';

const stacks: LocalStack[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((stack) => stack.stop('SIGKILL')));
  if (stacks[0]) await rm(stacks[0].dataDir, { recursive: true, force: true });
});

function batch(count: number): string {
  const articles = Array.from({ length: count }, (_, i) => ({
    title: `Drained article ${i}`,
    body: `Paragraph ${i}. `.repeat(200),
    source: 'Drain Test',
    url: `https://drain.example/articles/${i}`,
  }));
  return JSON.stringify({ articles });
}

interface Answer {
  status: number;
  body: string;
}

/** Starts a POST, sends the first half of its body, and returns a function that sends the rest and reads the answer. */
async function startSlowPost(url: string, apiKey: string, body: string): Promise<() => Promise<Answer>> {
  const bytes = Buffer.from(body);
  let settle!: { resolve: (answer: Answer) => void; reject: (error: unknown) => void };
  const answer = new Promise<Answer>((resolve, reject) => (settle = { resolve, reject }));
  // A request cut by the stack rejects; only the test that finishes its request reads the outcome.
  answer.catch(() => undefined);
  const request = httpRequest(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'content-length': String(bytes.byteLength) } },
    (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => settle.resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', settle.reject);
    },
  );
  request.on('error', settle.reject);
  request.write(bytes.subarray(0, bytes.byteLength / 2));
  // Let the server accept the connection and start reading the request.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return () => {
    request.end(bytes.subarray(bytes.byteLength / 2));
    return answer;
  };
}

describe('npm start on SIGTERM', () => {
  it('finishes an ingest in flight, refuses new connections meanwhile, and stops within 10 s', async () => {
    const stack = await startLocalStack({ via: 'npm' });
    stacks.push(stack);
    const body = batch(100);
    const finish = await startSlowPost(`${stack.apiUrl}/articles`, stack.apiKey, body);

    const stopped = stack.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(fetch(`${stack.apiUrl}/health`)).rejects.toThrow();

    const answer = await finish();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).counts).toEqual({ created: 100, duplicate: 0, rejected: 0, failed: 0 });
    const stop = await stopped;
    expect(stop.ms).toBeLessThan(10_000);
    expect(stack.output()).toContain('SIGTERM: stopping (finishing the requests in flight first)');

    // Every article reached the database: the same batch after a restart is all duplicates.
    const again = await startLocalStack({ dataDir: stack.dataDir });
    stacks.push(again);
    const response = await fetch(`${again.apiUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': again.apiKey },
      body,
    });
    expect(((await response.json()) as { counts: unknown }).counts).toEqual({ created: 0, duplicate: 100, rejected: 0, failed: 0 });
    await again.stop();
  }, 90_000);

  it('cuts a request that never completes and still stops within 10 s', async () => {
    const stack = await startLocalStack();
    stacks.push(stack);
    await startSlowPost(`${stack.apiUrl}/articles`, stack.apiKey, batch(10));
    const stop = await stack.stop('SIGTERM');
    expect(stop.ms).toBeLessThan(10_000);
    expect(stop.code).toBe(0);
    await rm(stack.dataDir, { recursive: true, force: true });
  }, 60_000);
});
