// Import: pick files (a results document, an experiment, a dataset, or a checkpoint folder's files), or load a
// checkpoint folder / dataset by URL with a progress bar that shows the size and a Cancel button.
import { useRef, useState } from 'react';
import { importPicked, importUrl, type UrlKind } from './importFiles';

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export default function ImportPanel() {
  const [kind, setKind] = useState<UrlKind>('checkpoint');
  const [url, setUrl] = useState('');
  const [progress, setProgress] = useState<{ loaded: number; total?: number } | null>(null);
  const abort = useRef<AbortController | null>(null);

  const load = async () => {
    const ctl = new AbortController();
    abort.current = ctl;
    setProgress({ loaded: 0 });
    try {
      await importUrl(kind, url.trim(), ctl.signal, (loaded, total) => setProgress({ loaded, total }));
    } finally {
      abort.current = null;
      setProgress(null);
    }
  };

  return (
    <div className="import-panel">
      <label>
        Files: a results document or experiment (JSON), a dataset (JSON, JSONL, CSV), or a checkpoint folder's files: config.json, the weights
        (model.safetensors, its shards and index, or pytorch_model.bin) and the tokenizer (tokenizer.json or spiece.model)
        <input
          type="file"
          multiple
          data-testid="import-files"
          accept=".json,.jsonl,.ndjson,.csv,.tsv,.safetensors,.bin,.model"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            // The menu closes so the message about the files, below it, is not hidden behind it.
            e.currentTarget.closest('details')?.removeAttribute('open');
            void importPicked(files);
          }}
        />
      </label>
      <label>
        Or load by URL
        <span className="import-row">
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as UrlKind)} aria-label="What the URL holds">
            <option value="checkpoint">Checkpoint folder</option>
            <option value="dataset">Dataset file</option>
          </select>
          <input
            type="url"
            placeholder={kind === 'checkpoint' ? 'https://huggingface.co/google/t5-efficient-tiny/resolve/main/' : 'https://…/train.json'}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            data-testid="import-url"
          />
          <button disabled={!url.trim() || progress !== null} onClick={load}>
            Load
          </button>
        </span>
      </label>
      {progress && (
        <div className="import-progress" data-testid="import-progress">
          <progress value={progress.total ? progress.loaded : undefined} max={progress.total} />
          <span className="import-row">
            <span style={{ flex: 1 }}>
              {mib(progress.loaded)}
              {progress.total ? ` of ${mib(progress.total)} (${Math.round((100 * progress.loaded) / progress.total)}%)` : ' (size not given by the server)'}
            </span>
            <button onClick={() => abort.current?.abort()}>Cancel</button>
          </span>
        </div>
      )}
    </div>
  );
}
