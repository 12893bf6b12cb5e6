// The active backend, why it was chosen, what failed on the way, and a selector to force another.
import type { BackendPreference } from '../../engine/backend';
import { backendNames } from '../../engine/backend/names';
import { trainer } from '../trainerClient';
import { useRunStore } from '../runStore';
import { useTrainerStore } from '../trainerStore';

const preferences: readonly BackendPreference[] = ['auto', ...backendNames];
const labels: Record<BackendPreference, string> = {
  auto: 'auto (recommended)',
  webgpu: 'webgpu (GPU)',
  webgl: 'webgl (GPU, older API)',
  wasm: 'wasm (fast CPU)',
  cpu: 'cpu (plain JavaScript)',
};

export function BackendPanel() {
  const backend = useTrainerStore((s) => s.backend);
  const worker = useTrainerStore((s) => s.worker);
  const switching = useTrainerStore((s) => s.switching);
  const preference = useTrainerStore((s) => s.preference);
  const sideBySide = useTrainerStore((s) => s.sideBySide);
  const phase = useTrainerStore((s) => s.phase);
  const active = useRunStore((s) => s.active);
  const busy = active || phase !== 'idle';

  return (
    <section className="panel" aria-labelledby="backend-title">
      <h2 id="backend-title">Compute backend</h2>
      <div aria-live="polite">
        {worker === 'crashed' ? (
          <p>The training worker has stopped.</p>
        ) : switching ? (
          <p className="muted">{backend ? 'Switching backend…' : 'Loading TensorFlow.js in the background…'}</p>
        ) : null}
        {backend && (
          <>
            <p className="backend-active">
              Active: <strong data-testid="backend-name">{backend.name}</strong>
            </p>
            <p className="backend-reason" data-testid="backend-reason">
              {backend.reason}
            </p>
            {backend.fallbacks.length > 0 && (
              <ul className="warnings" data-testid="backend-fallbacks">
                {backend.fallbacks.map((f) => (
                  <li key={f}>
                    <span aria-hidden="true">⚠ </span>
                    {f}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
      <div className="field">
        <label htmlFor="backend-select">Backend to use</label>
        <select
          id="backend-select"
          value={preference}
          disabled={busy || switching || worker !== 'ready'}
          onChange={(e) => trainer.setBackend(e.target.value as BackendPreference)}
        >
          {preferences.map((p) => (
            <option key={p} value={p}>
              {labels[p]}
            </option>
          ))}
        </select>
        {busy && <p className="hint">Stop training to change the backend.</p>}
      </div>
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={sideBySide}
            disabled={busy}
            onChange={(e) => useTrainerStore.setState({ sideBySide: e.target.checked })}
          />{' '}
          Strategies side by side
        </label>
        <p className="hint">
          On wasm and cpu, a run&apos;s strategies train at the same time, one per core, with the same numbers as one at
          a time. GPU backends share one device and run them one at a time, and so does a run started in present mode,
          whose story goes strategy by strategy (entered mid-run, the lanes go on and the run pauses at each lane&apos;s
          task boundary).
        </p>
      </div>
      {worker === 'crashed' && (
        <button type="button" onClick={() => trainer.restart()}>
          Restart the worker
        </button>
      )}
    </section>
  );
}
