// A checkpoint's content hash: what a share link carries so that opening it tells when the URL now serves other files.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { folderHash, hashMismatch } from '../src/engine/io/checkpointHash';
import { restoreFromFragment, specFragment } from '../src/engine/share/shareLink';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/engine/spec/experiment';

const bytes = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const folder: [string, Uint8Array][] = [
  ['https://x.test/m/config.json', bytes('{"d_model": 8}')],
  ['https://x.test/m/pytorch_model.bin', new Uint8Array([1, 2, 3, 250])],
];

describe('folderHash', () => {
  it("is SHA-256 of the files' sorted 'name:sha256' lines (checked with node:crypto)", async () => {
    const lines = folder
      .map(([u, b]) => `${u.split('/').pop()}:${sha(b)}\n`)
      .sort()
      .join('');
    expect(await folderHash(folder)).toBe(sha(lines));
  });

  it('does not depend on the order files were read in or on the folder URL, and changes with any byte or name', async () => {
    const h = await folderHash(folder);
    expect(await folderHash([...folder].reverse())).toBe(h);
    expect(await folderHash(folder.map(([u, b]) => [u.replace('x.test/m', 'y.test/other'), b]))).toBe(h);
    const edited = folder.map(([u, b]): [string, Uint8Array] => [
      u,
      u.endsWith('.bin') ? new Uint8Array([1, 2, 3, 251]) : b,
    ]);
    expect(await folderHash(edited)).not.toBe(h);
    expect(
      await folderHash(
        folder.map(([u, b]): [string, Uint8Array] => [u.replace('pytorch_model.bin', 'model.safetensors'), b]),
      ),
    ).not.toBe(h);
    await expect(folderHash([])).rejects.toThrow('no files');
  });
});

describe('model.sha256 in the spec and the link', () => {
  const withModel = (model: unknown) => ({ ...defaultSpec(), model });
  const url = 'https://huggingface.co/google/t5-efficient-tiny/resolve/main/';

  it('is kept with a checkpoint and survives a share link', async () => {
    const sha256 = await folderHash(folder);
    const parsed = parseSpec(withModel({ checkpoint: url, sha256 }));
    expect(parsed.ok && parsed.spec.model).toEqual({ checkpoint: url, sha256 });
    const back = restoreFromFragment(specFragment((parsed as { spec: ExperimentSpec }).spec), {
      fallback: defaultSpec,
    });
    expect(back.kind === 'restored' && back.spec.model).toEqual({ checkpoint: url, sha256 });
    const plain = parseSpec(withModel({ checkpoint: url }));
    expect(plain.ok && plain.spec.model).toEqual({ checkpoint: url });
  });

  it('is refused when it is not a SHA-256 or has no checkpoint', () => {
    const bad = parseSpec(withModel({ checkpoint: url, sha256: 'ABC' }));
    expect(bad.ok ? [] : bad.errors.join(' ')).toContain(
      'model.sha256: must be a content hash: 64 lowercase hex digits',
    );
    const orphan = parseSpec(withModel({ preset: 'nano', sha256: sha('x') }));
    expect(orphan.ok ? [] : orphan.errors.join(' ')).toContain('"sha256" is the content hash of a checkpoint');
  });
});

describe('hashMismatch', () => {
  it('says nothing when the link has no hash or the files match, and names both hashes when they differ', () => {
    const a = sha('a');
    const b = sha('b');
    expect(hashMismatch('https://x.test/m/', undefined, a)).toBeNull();
    expect(hashMismatch('https://x.test/m/', a, a)).toBeNull();
    const m = hashMismatch('https://x.test/m/', a, b)!;
    expect(m).toContain('The URL now serves something else');
    expect(m).toContain(a.slice(0, 12));
    expect(m).toContain(b.slice(0, 12));
  });
});
