// The built-in demos that need real data (and some a real checkpoint): fetch each dataset from a folder URL holding
// ID.train.json and ID.test.json (the Long Sequence layout the CLI's --data reads), or import the files; then open the
// demo. A demo whose model is a checkpoint may point at another copy of it (a mirror, a local server).
import { useState } from 'react';
import { datasetFromSplitFiles } from '../../engine/data/splitFiles';
import { listDemos, type Demo } from '../../engine/experiment/demos';
import { fetchBytes } from '../../engine/io/fetchBytes';
import { addDataset, useImportedStore } from '../importedStore';
import { useExperimentStore } from '../experimentStore';

const MAX_FILE_BYTES = 64 * 2 ** 20;

/** A demo's checkpoint as the page fetches it: a repository path under public/ (the CLI's) is served from the site's root. */
export function checkpointUrl(checkpoint: string, base: string): string {
  if (/^https?:\/\//i.test(checkpoint)) return checkpoint;
  const path = checkpoint.replace(/^(\.\/)?public\//, '');
  return new URL(path.endsWith('/') ? path : `${path}/`, base).href;
}
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function fetchDatasets(
  ids: readonly string[],
  folder: string,
  signal: AbortSignal,
  say: (s: string) => void,
): Promise<void> {
  const base = new URL(folder.endsWith('/') ? folder : `${folder}/`, location.href);
  for (const id of ids) {
    say(`Fetching ${id}…`);
    const get = async (split: 'train' | 'test') => {
      const url = new URL(`${id}.${split}.json`, base).href;
      const bytes = await fetchBytes(url, {
        signal,
        maxBytes: MAX_FILE_BYTES,
        accept: ['application/json', 'text/plain', 'application/octet-stream'],
      });
      return { name: url, text: new TextDecoder().decode(bytes) };
    };
    addDataset(id, datasetFromSplitFiles(new URL(id, base).href, await get('train'), await get('test')));
  }
}

function DemoRow({ demo }: { demo: Demo }) {
  const loaded = useImportedStore((s) => s.datasets);
  const setSpec = useExperimentStore((s) => s.setSpec);
  const spec = demo.spec({ seed: 0 });
  const checkpoint = 'checkpoint' in spec.model ? spec.model.checkpoint : null;
  const [model, setModel] = useState(checkpoint ? checkpointUrl(checkpoint, document.baseURI) : '');
  const [data, setData] = useState('');
  const [status, setStatus] = useState<{ text: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState<AbortController | null>(null);
  const ids = demo.datasets ?? [];
  const missing = ids.filter((id) => !loaded[id]);

  const fetchData = async () => {
    const ctl = new AbortController();
    setBusy(ctl);
    try {
      await fetchDatasets(ids, data.trim(), ctl.signal, (text) => setStatus({ text }));
      setStatus({ text: `Fetched ${ids.join(', ')}.` });
    } catch (e) {
      setStatus({ text: `Could not fetch the data: ${message(e)}`, error: true });
    } finally {
      setBusy(null);
    }
  };
  const open = () => {
    setSpec(checkpoint && model.trim() ? { ...spec, model: { checkpoint: model.trim() } } : spec);
    setStatus({ text: `Opened "${demo.title}": press Run.` });
  };

  return (
    <li className="real-demo" data-testid={`real-demo-${demo.name}`}>
      <strong>{demo.title}</strong>
      <p className="hint">{demo.description}</p>
      <p className="hint" data-testid="real-demo-datasets">
        Data: {ids.map((id) => `${id} ${loaded[id] ? '✓' : '(missing)'}`).join(', ')}
      </p>
      {checkpoint && (
        <label className="field">
          Model folder URL
          <input
            type="url"
            value={model}
            onChange={(e) => setModel(e.currentTarget.value)}
            data-testid="real-demo-model"
          />
        </label>
      )}
      <div className="field inline">
        <label>
          Data folder URL (<code>ID.train.json</code>, <code>ID.test.json</code>)
          <input
            type="url"
            value={data}
            placeholder="https://…/long-sequence/"
            onChange={(e) => setData(e.currentTarget.value)}
            data-testid="real-demo-data"
          />
        </label>
        <button disabled={!data.trim() || busy !== null} onClick={fetchData} data-testid="real-demo-fetch">
          Fetch data
        </button>
        {busy && <button onClick={() => busy.abort()}>Cancel</button>}
        <button
          disabled={missing.length > 0}
          title={missing.length ? `Fetch or import ${missing.join(', ')} first` : undefined}
          onClick={open}
          data-testid="real-demo-open"
        >
          Open demo
        </button>
      </div>
      {status && (
        <p className={status.error ? 'hint warn' : 'hint'} role="status" data-testid="real-demo-status">
          {status.text}
        </p>
      )}
    </li>
  );
}

export function RealDataDemos() {
  const demos = listDemos().filter((d) => d.datasets?.length);
  if (demos.length === 0) return null;
  return (
    <details className="real-demos" data-testid="real-demos">
      <summary>Demos on real text (their data fetched by URL or imported)</summary>
      <ul>
        {demos.map((d) => (
          <DemoRow key={d.name} demo={d} />
        ))}
      </ul>
    </details>
  );
}
