import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, fetchBytes } from '../src/engine/io/fetchBytes';

const payload = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251);
const chunkSize = 10_000;
let server: Server;
let base = '';
let slowStreamClosed: Promise<void>;

beforeAll(async () => {
  let markClosed: () => void;
  slowStreamClosed = new Promise((r) => (markClosed = r));
  server = createServer((req, res) => {
    const send = (type: string, body: Uint8Array | string, headers: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    };
    switch (req.url) {
      case '/model.bin': {
        // Sent in separate chunks, so the client sees progress more than once.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(payload.length) });
        let at = 0;
        const next = () => {
          if (at >= payload.length) return res.end();
          res.write(payload.subarray(at, at + chunkSize));
          at += chunkSize;
          setTimeout(next, 2);
        };
        return next();
      }
      case '/config.json':
        return send('application/json; charset=utf-8', '{"d_model": 8}');
      case '/page.html':
        return send('text/html', '<html></html>');
      case '/unlabelled':
        res.writeHead(200);
        return res.end('x');
      case '/huge':
        // Claims 10 MB but sends nothing: the size check must come from the header alone.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(10_000_000) });
        return res.flushHeaders();
      case '/unsized': {
        // Chunked, no content-length: the limit can only be noticed while streaming.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let i = 0; i < 10; i++) res.write(payload.subarray(0, chunkSize));
        return res.end();
      }
      case '/slow':
        // One chunk, then silence until the client gives up.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' });
        res.write(payload.subarray(0, 1000));
        res.on('close', () => markClosed());
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const failure = async (p: Promise<unknown>): Promise<FetchError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
};

describe('fetchBytes', () => {
  it('downloads the whole body and reports growing progress against the total', async () => {
    const seen: [number, number | undefined][] = [];
    const bytes = await fetchBytes(`${base}/model.bin`, {
      onProgress: (loaded, total) => seen.push([loaded, total]),
      accept: ['application/octet-stream'],
    });
    expect(Buffer.from(bytes).equals(Buffer.from(payload))).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every(([, total]) => total === payload.length)).toBe(true);
    expect(seen.every(([loaded], i) => i === 0 || loaded > seen[i - 1][0])).toBe(true);
    expect(seen.at(-1)![0]).toBe(payload.length);
  });

  it('reports an unknown total when the server sends no content-length', async () => {
    const seen: (number | undefined)[] = [];
    const bytes = await fetchBytes(`${base}/unsized`, { onProgress: (_, total) => seen.push(total) });
    expect(bytes.length).toBe(10 * chunkSize);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((t) => t === undefined)).toBe(true);
  });

  it('accepts a content type with a charset suffix', async () => {
    const bytes = await fetchBytes(`${base}/config.json`, { accept: ['application/json'] });
    expect(new TextDecoder().decode(bytes)).toBe('{"d_model": 8}');
  });

  it('rejects a wrong or missing content type', async () => {
    const err = await failure(
      fetchBytes(`${base}/page.html`, { accept: ['application/octet-stream', 'application/json'] }),
    );
    expect(err.kind).toBe('content-type');
    expect(err.message).toBe(
      `${base}/page.html has content type "text/html", expected application/octet-stream or application/json`,
    );
    const none = await failure(fetchBytes(`${base}/unlabelled`, { accept: ['application/json'] }));
    expect(none.message).toMatch(/has content type "none"/);
  });

  it('reports the HTTP status', async () => {
    const err = await failure(fetchBytes(`${base}/missing.safetensors`));
    expect([err.kind, err.status]).toEqual(['http', 404]);
    expect(err.message).toBe(`could not download ${base}/missing.safetensors: HTTP 404 Not Found`);
  });

  it('refuses a body larger than maxBytes, from content-length up front', async () => {
    const err = await failure(fetchBytes(`${base}/huge`, { maxBytes: 1_000_000 }));
    expect(err.kind).toBe('too-large');
    expect(err.message).toBe(`${base}/huge is too large: 10000000 bytes, the limit is 1000000 bytes`);
  });

  it('refuses a body larger than maxBytes while streaming when the size is not announced', async () => {
    let progressCalls = 0;
    const err = await failure(fetchBytes(`${base}/unsized`, { maxBytes: 25_000, onProgress: () => progressCalls++ }));
    expect(err.kind).toBe('too-large');
    expect(err.message).toMatch(/is too large: at least \d+ bytes, the limit is 25000 bytes$/);
    expect(progressCalls).toBeLessThan(10);
  });

  it('stops when aborted mid-download and closes the connection', async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const download = fetchBytes(`${base}/slow`, {
      signal: controller.signal,
      onProgress: (loaded) => {
        progress.push(loaded);
        controller.abort();
      },
    });
    const err = await failure(download);
    expect(err.kind).toBe('aborted');
    expect(err.message).toBe(`download of ${base}/slow was cancelled`);
    expect(progress).toEqual([1000]);
    await slowStreamClosed;
  });

  it('stops at once when the signal is already aborted', async () => {
    const err = await failure(fetchBytes(`${base}/model.bin`, { signal: AbortSignal.abort() }));
    expect(err.kind).toBe('aborted');
  });

  it('reports a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await failure(fetchBytes(`http://127.0.0.1:${port}/model.bin`));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(
      new RegExp(
        `^could not download http://127.0.0.1:${port}/model.bin: network error \\(fetch failed: .*ECONNREFUSED`,
      ),
    );
  });
});
