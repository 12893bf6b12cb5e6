// The experiment's name over the run controls, renamed in place (Enter keeps, Escape cancels).
import { useState } from 'react';
import { useExperimentStore } from '../experimentStore';

export function ExperimentName() {
  const name = useExperimentStore((s) => s.spec.name);
  const [draft, setDraft] = useState<string | null>(null);
  const save = () => {
    const next = draft?.trim().slice(0, 200);
    const { spec, setSpec } = useExperimentStore.getState();
    if (next && next !== spec.name) setSpec({ ...spec, name: next });
    setDraft(null);
  };
  if (draft !== null) {
    return (
      <h2 id="run-title" className="experiment-name">
        <input
          aria-label="Experiment name"
          value={draft}
          autoFocus
          maxLength={200}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={save}
          onKeyDown={(e) => {
            if (e.key === 'Enter') save();
            if (e.key === 'Escape') {
              e.preventDefault();
              setDraft(null);
            }
          }}
        />
      </h2>
    );
  }
  return (
    <>
      <h2 id="run-title" className="experiment-name">
        {name ?? 'Experiment'}
      </h2>
      <button type="button" className="link" onClick={() => setDraft(name ?? '')} data-testid="rename-experiment">
        Rename
      </button>
    </>
  );
}
