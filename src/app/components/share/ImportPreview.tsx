// The import preview: what a dataset will be before it is added. Column choice and an optional label map for parquet,
// the few-shot knob for a SuperNI task, the records that cannot be used (count, reasons, the first ones), three
// examples and the dataset card. "Import" skips the bad records (the default); "Refuse the file" imports nothing.
import { useEffect, useState } from 'react';
import type { ImportResult } from '../../../engine/data/importDataset';
import { formatBad, reasonCounts } from '../../../engine/data/records';
import { MAX_FEW_SHOT } from '../../../engine/data/superNi';
import type { DatasetData } from '../../../engine/experiment/taskData';
import { datasetFromImport } from '../../importedStore';
import { DatasetCardView } from '../DatasetCardView';
import { confirmImport, refuseImport } from './importFiles';
import { readPending } from './importPreview';
import { dropFirst, setChoices, usePendingImports, type PendingImport } from './pendingImports';

type Read =
  { ok: true; result: ImportResult; data: DatasetData | null; splitProblem?: string } | { ok: false; errors: string[] };

function useRead(p: PendingImport | undefined): Read | null {
  const [read, setRead] = useState<Read | null>(null);
  useEffect(() => {
    if (!p) return;
    let live = true;
    setRead(null);
    void readPending(p, 'skip').then((r) => {
      if (!live) return;
      if (!r.ok) return setRead({ ok: false, errors: r.errors });
      try {
        setRead({ ok: true, result: r.value, data: datasetFromImport(r.value, p.source.source) });
      } catch (e) {
        setRead({ ok: true, result: r.value, data: null, splitProblem: e instanceof Error ? e.message : String(e) });
      }
    });
    return () => {
      live = false;
    };
  }, [p]);
  return read;
}

// Head and tail of a long text: a SuperNI prompt starts with the definition, and the instance is at its end.
const short = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n / 2)} … ${s.slice(-n / 2)}` : s);

/** Input and output among a text dataset's fields (a CSV's header, JSON records' keys). */
function FieldChoice({ fields, choices }: { fields: string[]; choices: PendingImport['choices'] }) {
  const select = (role: 'inputColumn' | 'outputColumn', label: string, testId: string) => (
    <label>
      {label}
      <select
        value={choices[role]}
        onChange={(e) => setChoices({ [role]: e.currentTarget.value })}
        data-testid={testId}
      >
        {!fields.includes(choices[role]) && <option value={choices[role]}>{choices[role]} (not in the file)</option>}
        {fields.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="import-row import-columns">
      {select('inputColumn', 'Input field', 'import-input-column')}
      {select('outputColumn', 'Output field', 'import-output-column')}
    </div>
  );
}

export default function ImportPreview() {
  const queue = usePendingImports((s) => s.queue);
  const p = queue[0];
  const read = useRead(p);
  if (!p) return null;
  const { source, choices } = p;
  const report = read?.ok ? read.result.report : null;
  const usable = read?.ok ? read.result.examples.length : 0;

  return (
    <section className="import-preview" data-testid="import-preview" aria-label={`Import ${source.fileName}`}>
      <h3>
        Import dataset “{source.id}”{queue.length > 1 && <span className="hint"> (1 of {queue.length} waiting)</span>}
      </h3>
      <p className="hint">{source.source}</p>
      {source.kind === 'parquet' && (
        <div className="import-row import-columns">
          <label>
            Input column
            <select
              value={choices.inputColumn}
              onChange={(e) => setChoices({ inputColumn: e.currentTarget.value })}
              data-testid="import-input-column"
            >
              {source.info.columns
                .filter((c) => c.kind === 'text')
                .map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
            </select>
          </label>
          <label>
            Output column
            <select
              value={choices.outputColumn}
              onChange={(e) => setChoices({ outputColumn: e.currentTarget.value })}
              data-testid="import-output-column"
            >
              {source.info.columns
                .filter((c) => c.kind !== 'other')
                .map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name} (
                    {c.kind === 'integer' ? 'class ids' : c.kind === 'text-list' ? 'lists of answers' : 'text'})
                  </option>
                ))}
            </select>
          </label>
          <label>
            Label map (class ids → words)
            <input
              value={choices.labelMap}
              onChange={(e) => setChoices({ labelMap: e.currentTarget.value })}
              placeholder={
                source.info.columns.find((c) => c.name === choices.outputColumn)?.labelNames?.join(', ') ??
                'e.g. negative, positive'
              }
              data-testid="import-label-map"
            />
          </label>
        </div>
      )}
      {source.kind === 'text' && source.fields.length >= 2 && !(read?.ok && read.result.format === 'superni') && (
        <FieldChoice fields={source.fields} choices={choices} />
      )}
      {read?.ok && read.result.format === 'superni' && (
        <label className="import-few-shot">
          Few-shot demonstrations (SuperNI positive examples before each input, 0–{MAX_FEW_SHOT})
          <input
            type="number"
            min={0}
            max={MAX_FEW_SHOT}
            value={choices.fewShot}
            onChange={(e) =>
              setChoices({
                fewShot: Math.max(0, Math.min(MAX_FEW_SHOT, Math.round(Number(e.currentTarget.value) || 0))),
              })
            }
            data-testid="import-few-shot"
          />
        </label>
      )}
      {!read && <p className="hint">Reading…</p>}
      {read && !read.ok && (
        <p className="error" data-testid="import-preview-error">
          {read.errors.join('; ')}
        </p>
      )}
      {read?.ok && report && (
        <>
          <p data-testid="import-preview-summary">
            {report.records} records: {usable} usable
            {report.skipped ? `, ${report.skipped} cannot be used (${reasonCounts(report)}) and will be skipped` : ''}.
          </p>
          {report.skipped > 0 && (
            <ul className="import-bad" data-testid="import-bad-records">
              {report.first.slice(0, 5).map((b, i) => (
                <li key={i}>{formatBad(b)}</li>
              ))}
              {report.skipped > 5 && <li>… and {report.skipped - 5} more</li>}
            </ul>
          )}
          <ol className="import-examples" data-testid="import-preview-examples">
            {read.result.examples.slice(0, 3).map((e, i) => (
              <li key={i}>
                <code>{short(e.input)}</code> → <code>{short(e.output, 60)}</code>
                {e.accepted && (
                  <span className="hint">
                    {' '}
                    (or{' '}
                    {e.accepted
                      .slice(1)
                      .map((a) => `“${short(a, 30)}”`)
                      .join(', ')}
                    )
                  </span>
                )}
              </li>
            ))}
          </ol>
          {read.result.warnings
            .filter((w) => !w.startsWith('skipped '))
            .map((w, i) => (
              <p key={i} className="hint">
                Note: {w}
              </p>
            ))}
          {read.data && <DatasetCardView data={read.data} testId="import-preview-card" />}
          {read.splitProblem && <p className="error">Cannot be split into train and test: {read.splitProblem}</p>}
        </>
      )}
      <div className="import-row import-actions">
        <button onClick={() => void confirmImport(p)} disabled={!read?.ok || !read.data} data-testid="import-confirm">
          {report?.skipped
            ? `Import ${usable} records, skip ${report.skipped}`
            : `Import ${usable || ''} records`.replace('  ', ' ')}
        </button>
        {report && report.skipped > 0 && (
          <button onClick={() => void refuseImport(p)} data-testid="import-refuse">
            Refuse the file
          </button>
        )}
        <button onClick={dropFirst} data-testid="import-cancel">
          Cancel
        </button>
      </div>
    </section>
  );
}
