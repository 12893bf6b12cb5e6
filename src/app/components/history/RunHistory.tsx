// The run history: every run is saved as it goes (IndexedDB), listed here to reopen, compare, rename or delete; a run
// that a reload cut short is offered for resuming from its last task boundary.
import { useEffect, useState } from 'react';
import {
  connectRunHistory,
  damagedRunJson,
  deleteDamaged,
  dismissMessage,
  dismissOffer,
  resumeLabel,
  resumeOffered,
  useHistoryStore,
} from '../../storage/runHistory';
import type { DamagedRun } from '../../storage/savedRunCheck';
import { download, slug } from '../share/download';
import { RunCompare } from './RunCompare';
import { RunRow } from './RunRow';
import './history.css';

/** A saved record that does not validate: shown with its reason, to export as it is or delete. */
function DamagedRow({ run }: { run: DamagedRun }) {
  return (
    <li className="history-run damaged" data-testid="damaged-run">
      <div className="history-head">
        <strong className="history-name">{run.name}</strong>
        <span className="history-status status-damaged">damaged</span>
      </div>
      <p className="history-meta" data-testid="damaged-reason">
        {run.kind === 'checkpoint' ? 'It cannot be resumed from' : 'It cannot be opened'}: {run.reason}
      </p>
      <div className="buttons">
        <button
          type="button"
          onClick={() => download(`${slug(run.name)}-damaged.json`, damagedRunJson(run), 'application/json')}
        >
          Export raw
        </button>
        <button type="button" className="danger" onClick={() => void deleteDamaged(run)}>
          Delete
        </button>
      </div>
    </li>
  );
}

export function RunHistory() {
  const { kind, runs, message, offer, damaged } = useHistoryStore();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => void connectRunHistory(), []);
  const chosen = runs.filter((r) => selected.has(r.id));
  const select = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <section className="panel history" aria-labelledby="history-title">
      <div className="panel-head">
        <h2 id="history-title">Saved runs</h2>
        {kind && (
          <span className="hint">
            {kind === 'indexeddb' ? 'kept in this browser' : 'in memory only, until the page closes'}
          </span>
        )}
      </div>
      {message && (
        <p className="note history-message" role="alert">
          {message}{' '}
          <button type="button" className="link" onClick={dismissMessage}>
            Dismiss
          </button>
        </p>
      )}
      {offer && (
        <div className="note history-offer" role="region" aria-label="Resume an interrupted run">
          <p>“{offer.name}” was still running when the page closed.</p>
          <div className="buttons">
            <button type="button" className="primary" onClick={() => void resumeOffered()}>
              Resume from {resumeLabel(offer)}
            </button>
            <button type="button" onClick={() => void dismissOffer()}>
              Discard
            </button>
          </div>
        </div>
      )}
      {damaged.length > 0 && (
        <ul className="history-list" aria-label="Damaged runs">
          {damaged.map((d) => (
            <DamagedRow key={d.id} run={d} />
          ))}
        </ul>
      )}
      {runs.length === 0 ? (
        damaged.length === 0 && (
          <p className="muted">No saved runs yet: every run you start is saved here as it goes.</p>
        )
      ) : (
        <ul className="history-list" aria-label="Saved runs">
          {runs.map((r) => (
            <RunRow key={r.id} run={r} selected={selected.has(r.id)} onSelect={(on) => select(r.id, on)} />
          ))}
        </ul>
      )}
      {chosen.length >= 2 ? (
        <RunCompare runs={chosen} />
      ) : (
        runs.length >= 2 && <p className="hint">Tick two or more runs to compare their metrics.</p>
      )}
    </section>
  );
}
