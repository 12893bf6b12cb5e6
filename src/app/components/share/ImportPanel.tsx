// Import: pick files (a results document, an experiment, a dataset, or a checkpoint folder's files), or load a
// checkpoint folder / dataset by URL, or a Hugging Face Hub dataset by name and split, with a progress bar that shows
// the size and a Cancel button. Datasets then wait in the import preview.
import { useRef, useState } from 'react';
import { HUB_DATASETS_SERVER } from '../../../engine/data/hub';
import { importPicked, importUrl, type UrlKind } from './importFiles';

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export default function ImportPanel() {
  const [kind, setKind] = useState<UrlKind>('checkpoint');
  const [url, setUrl] = useState('');
  const [split, setSplit] = useState('train');
  const [config, setConfig] = useState('');
  const [server, setServer] = useState(HUB_DATASETS_SERVER);
  const [progress, setProgress] = useState<{ loaded: number; total?: number } | null>(null);
  const abort = useRef<AbortController | null>(null);

  const panel = useRef<HTMLDivElement>(null);
  const load = async () => {
    const ctl = new AbortController();
    abort.current = ctl;
    setProgress({ loaded: 0 });
    try {
      await importUrl(kind, url.trim(), ctl.signal, (loaded, total) => setProgress({ loaded, total }), {
        split,
        config,
        server,
      });
    } finally {
      abort.current = null;
      setProgress(null);
      // As after picking files: the menu closes so the preview or message below it is not hidden.
      panel.current?.closest('details')?.removeAttribute('open');
    }
  };

  return (
    <div className="import-panel" ref={panel}>
      <label>
        Files: a results document or experiment (JSON), a dataset (JSON, SuperNI task, JSONL, CSV, TSV, parquet), or a
        checkpoint folder's files: config.json, the weights (model.safetensors, its shards and index, or
        pytorch_model.bin) and the tokenizer (tokenizer.json or spiece.model)
        <input
          type="file"
          multiple
          data-testid="import-files"
          accept=".json,.jsonl,.ndjson,.csv,.tsv,.parquet,.safetensors,.bin,.model"
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
          <select
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as UrlKind)}
            aria-label="What the URL holds"
          >
            <option value="checkpoint">Checkpoint folder</option>
            <option value="dataset">Dataset file</option>
            <option value="hub">Hub dataset</option>
          </select>
          <input
            type={kind === 'hub' ? 'text' : 'url'}
            aria-label={kind === 'hub' ? 'Hub dataset name' : 'URL'}
            placeholder={
              kind === 'checkpoint'
                ? 'https://huggingface.co/google/t5-efficient-tiny/resolve/main/'
                : kind === 'hub'
                  ? 'stanfordnlp/sst2'
                  : 'https://…/train.json or .parquet'
            }
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            data-testid="import-url"
          />
          <button disabled={!url.trim() || progress !== null} onClick={load} data-testid="import-load">
            Load
          </button>
        </span>
      </label>
      {kind === 'hub' && (
        <span className="import-row">
          <label>
            Split
            <input value={split} onChange={(e) => setSplit(e.currentTarget.value)} data-testid="hub-split" />
          </label>
          <label>
            Config
            <input
              value={config}
              onChange={(e) => setConfig(e.currentTarget.value)}
              placeholder="default"
              data-testid="hub-config"
            />
          </label>
          <label style={{ flex: 1 }}>
            Datasets server
            <input
              type="url"
              value={server}
              onChange={(e) => setServer(e.currentTarget.value)}
              data-testid="hub-server"
            />
          </label>
        </span>
      )}
      {progress && (
        <div className="import-progress" data-testid="import-progress">
          <progress value={progress.total ? progress.loaded : undefined} max={progress.total} />
          <span className="import-row">
            <span style={{ flex: 1 }}>
              {mib(progress.loaded)}
              {progress.total
                ? ` of ${mib(progress.total)} (${Math.round((100 * progress.loaded) / progress.total)}%)`
                : ' (size not given by the server)'}
            </span>
            <button onClick={() => abort.current?.abort()}>Cancel</button>
          </span>
        </div>
      )}
    </div>
  );
}
