// Export: the results document (JSON), the CSV tables of the registry, every chart and heatmap on the page (PNG), and
// each strategy's trained model as a Hugging Face checkpoint (a zip of one named folder: model.safetensors + config.json).
import { useState } from 'react';
import type { ResultsDocument } from '../../../engine/experiment/results';
import { resultTables } from '../../../engine/export/resultTables';
import { resultsToJson } from '../../../engine/export/resultsFile';
import { SUMMARY_NOTE } from '../../../engine/share/resultsSummary';
import { useExperimentStore } from '../../experimentStore';
import { trainer } from '../../trainerClient';
import { download, slug } from './download';
import { modelFolderName } from './exportNames';
import { zipSync } from 'fflate';
import { figureToPng, findFigures, type Figure } from './figures';
import { notify, useShareStore } from '../../services/shareStore';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function exportModel(
  strategy: number,
  label: string,
  name: string,
  experiment: string | undefined,
): Promise<void> {
  notify('info', `Preparing the ${label} model…`);
  const r = await trainer.exportModel(strategy);
  if (!r.ok) return notify('error', r.error);
  // One zip per model holding a folder named for the experiment, strategy and task, with the names Hugging Face
  // expects inside it, so the folder loads with from_pretrained as it is and two models never overwrite each other.
  const folder = modelFolderName(experiment, name, r.task + 1);
  const enc = new TextEncoder();
  const files: Record<string, Uint8Array> = {
    [`${folder}/model.safetensors`]: r.safetensors,
    [`${folder}/config.json`]: enc.encode(r.configJson),
  };
  if (r.tokenizerJson) files[`${folder}/tokenizer.json`] = enc.encode(r.tokenizerJson);
  const zip = zipSync(files, { level: 0 }); // weights do not compress; storing keeps it fast
  download(`${folder}.zip`, new Blob([zip.slice().buffer as ArrayBuffer], { type: 'application/zip' }));
  notify(
    'info',
    `Saved the ${label} model after task ${r.task + 1} as ${folder}.zip: unzip it for the folder ${folder}/ with model.safetensors (${(r.safetensors.length / 2 ** 20).toFixed(1)} MiB), config.json${r.tokenizerJson ? ' and tokenizer.json' : ''}.`,
  );
}

/** The results document as a file named after its experiment. */
export const saveResultsFile = (doc: ResultsDocument) =>
  download(`${slug(doc.spec.name)}-results.json`, resultsToJson(doc), 'application/json');

export function ExportMenu() {
  const results = useExperimentStore((s) => s.results);
  const name = useExperimentStore((s) => s.spec.name);
  const [figures, setFigures] = useState<Figure[]>([]);
  const base = slug(results?.spec.name ?? name);
  const trained = useShareStore((s) => s.trainedResults);
  const fromSummary = !!results?.warnings.includes(SUMMARY_NOTE);
  const modelHint = !results
    ? 'Run the experiment to train a model.'
    : fromSummary
      ? 'Results from a link carry no model: run the experiment to train one.'
      : results !== trained
        ? 'These results were not computed in this tab, so their models are not here: run the experiment to train them.'
        : null;

  const savePng = (f: Figure) =>
    figureToPng(f, results?.spec.name ?? name)
      .then((blob) => download(`${base}-${slug(f.title)}.png`, blob))
      .catch((e) => notify('error', `Could not save "${f.title}" as PNG: ${errorText(e)}`));

  return (
    <details className="share-menu" onToggle={(e) => (e.currentTarget.open ? setFigures(findFigures()) : undefined)}>
      <summary data-testid="export-menu">Export</summary>
      <div className="share-menu-list" role="menu">
        <h3>Results</h3>
        {!results && <p className="hint">Run the experiment (or import results) to export them.</p>}
        <button role="menuitem" disabled={!results} onClick={() => results && saveResultsFile(results)}>
          Results document (JSON)
        </button>
        {Object.entries(resultTables).map(([key, t]) => (
          <button
            key={key}
            role="menuitem"
            disabled={!results || !t.available(results)}
            onClick={() => results && download(`${base}-${t.file}.csv`, t.csv(results), 'text/csv')}
          >
            {t.title}
          </button>
        ))}
        <h3>Charts and heatmaps</h3>
        {figures.length === 0 && <p className="hint">No chart on the page yet.</p>}
        {figures.map((f, i) => (
          <button key={i} role="menuitem" onClick={() => savePng(f)}>
            {f.title} (PNG)
          </button>
        ))}
        <h3>Trained model (Hugging Face)</h3>
        {modelHint && <p className="hint">{modelHint}</p>}
        {results &&
          !modelHint &&
          results.strategies.map((s, i) => (
            <button key={i} role="menuitem" onClick={() => exportModel(i, s.label, s.name, results.spec.name)}>
              {s.label}: model folder, zip (model.safetensors + config.json
              {results.model && results.model.tokenizer.kind !== 'byte' ? ' + tokenizer.json' : ''})
            </button>
          ))}
      </div>
    </details>
  );
}
