// A checkpoint folder on a static host that answers every unknown path with the site's index.html (200, text/html), as
// the page's own server does for public/models/: the files the folder lacks count as absent, a required one does not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadHfModelFromUrl } from '../src/engine/io/loadHfModel';

const folder = join(__dirname, 'fixtures', 'checkpoints', 'pt-spiece');

function spaHost(files: string[]) {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    const name = new URL(url).pathname.split('/').pop()!;
    asked.push(name);
    if (files.includes(name))
      return new Response(readFileSync(join(folder, name)), {
        headers: { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' },
      });
    return new Response('<!doctype html><title>app</title>', {
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
  });
  return asked;
}

describe('a folder on a host with an index.html fallback', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('loads: the HTML answers for files it lacks (safetensors, tokenizer.json) count as absent', async () => {
    const asked = spaHost(['config.json', 'pytorch_model.bin', 'spiece.model']);
    const m = await loadHfModelFromUrl('https://site.test/models/tiny/');
    expect(m.format).toBe('pytorch');
    expect(m.tokenizer!.kind).toBe('spiece.model');
    expect(asked).toContain('tokenizer.json');
  });

  it('still refuses an HTML page where config.json should be, naming it', async () => {
    spaHost(['pytorch_model.bin']);
    await expect(loadHfModelFromUrl('https://site.test/models/tiny/')).rejects.toThrow(
      /config\.json: .* has content type "text\/html"/,
    );
  });
});
