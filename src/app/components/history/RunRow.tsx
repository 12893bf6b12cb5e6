// One saved run in the history list: select for comparing, open, rename in place, delete after a confirmation.
import { useState } from 'react';
import { count } from '../../plural';
import { deleteRun, renameRun, reopenRun } from '../../storage/runHistory';
import type { SavedRun } from '../../storage/savedRun';
import { fmtMetric, runMetrics } from './runMetrics';

const statusText: Record<SavedRun['status'], string> = { running: 'running', done: 'done', stopped: 'stopped' };

export function RunRow({ run, selected, onSelect }: { run: SavedRun; selected: boolean; onSelect(on: boolean): void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const save = () => {
    const name = editing?.trim();
    setEditing(null);
    if (name && name !== run.name) void renameRun(run.id, name);
  };
  return (
    <li className="history-run" data-run-id={run.id}>
      <div className="history-head">
        <input
          type="checkbox"
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
          aria-label={`Compare ${run.name}`}
        />
        {editing === null ? (
          <strong className="history-name">{run.name}</strong>
        ) : (
          <input
            className="history-name-input"
            aria-label="Run name"
            value={editing}
            autoFocus
            maxLength={200}
            onChange={(e) => setEditing(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') save();
              if (e.key === 'Escape') setEditing(null);
            }}
            onBlur={save}
          />
        )}
        <span className={`history-status status-${run.status}`}>{statusText[run.status]}</span>
      </div>
      <div className="history-meta muted">
        <time dateTime={new Date(run.createdAt).toISOString()}>{new Date(run.createdAt).toLocaleString()}</time>
        {' · '}
        {count(run.spec.tasks.length, 'task')} · {run.spec.strategies.map((s) => s.name).join(', ')}
      </div>
      <ul className="history-metrics">
        {runMetrics(run).map((s, i) => (
          <li key={i}>
            {s.label}: AP {fmtMetric(s.metrics?.ap)} · BWT {fmtMetric(s.metrics?.bwt)}
            {s.complete ? '' : ' (so far)'}
          </li>
        ))}
      </ul>
      {confirming ? (
        <div className="buttons" role="group" aria-label="Confirm delete">
          <span>Delete “{run.name}” and its checkpoint?</span>
          <button type="button" className="danger" onClick={() => void deleteRun(run.id)}>
            Yes, delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="buttons">
          <button
            type="button"
            onClick={() => reopenRun(run)}
            title="Load this run's experiment and results into the page"
          >
            Open
          </button>
          <button type="button" onClick={() => setEditing(run.name)}>
            Rename
          </button>
          <button type="button" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
