// Real T5 checkpoints one click away: each with its parameters, download size, the memory the chosen strategies need
// on the active backend and whether this browser can train it; the worker downloads a picked one with progress (Stop
// cancels) and keeps it in Cache Storage, listed here with its size and a Delete button.
import { useCallback, useEffect, useState } from 'react';
import { backendBudget, estimateMemory } from '../../engine/experiment/memoryBudget';
import { hubModels, type HubModel } from '../../engine/model/hubModels';
import { paramCount } from '../../engine/model/paramSpec';
import { shortHash } from '../../engine/io/checkpointHash';
import { deleteCachedFolder, listCachedFolders, storageProblem, type CachedFolder } from '../../engine/io/modelCache';
import type { ExperimentSpec } from '../../engine/spec/experiment';
import { updateSpec, useExperimentStore } from '../experimentStore';
import { useModelCacheStore } from '../modelCacheStore';
import { useTrainerStore } from '../trainerStore';

const gib = (n: number) => `${(n / 2 ** 30).toFixed(n < 2 ** 30 ? 2 : 1)} GiB`;
const mib = (n: number) => (n < 2 ** 20 ? `${Math.ceil(n / 1024)} KiB` : `${(n / 2 ** 20).toFixed(0)} MiB`);

/** What the spec's strategies need with this Hub model, by the run's own estimator (memoryBudget.ts). */
export const memoryNeed = (spec: ExperimentSpec, m: HubModel): number =>
  estimateMemory({ ...spec, model: { config: m.config } }).total;

/** Why this browser cannot train `m` with the spec's strategies, or null when it can. */
export function cannotTrain(spec: ExperimentSpec, m: HubModel, backend: string): string | null {
  const need = memoryNeed(spec, m);
  const budget = backendBudget(backend);
  return need > budget
    ? `needs about ${gib(need)} with these strategies; ${backend} here has about ${gib(budget)}`
    : null;
}

function useCachedFolders() {
  const [folders, setFolders] = useState<CachedFolder[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const phase = useTrainerStore((s) => s.phase);
  const stored = useModelCacheStore((s) => s.version);
  const refresh = useCallback(() => {
    listCachedFolders().then(setFolders, (e: unknown) => setProblem(storageProblem(e)));
  }, []);
  useEffect(refresh, [refresh, phase, stored]);
  const remove = (folder: string) =>
    deleteCachedFolder(folder).then(refresh, (e: unknown) => setProblem(storageProblem(e)));
  return { folders, problem, remove };
}

export function HubModels({ spec }: { spec: ExperimentSpec }) {
  const backend = useTrainerStore((s) => s.backend?.name ?? 'wasm');
  const { folders, problem, remove } = useCachedFolders();
  const current = 'checkpoint' in spec.model ? spec.model.checkpoint : null;
  const use = (m: HubModel) => updateSpec((s) => ({ ...s, model: { checkpoint: m.url }, init: 'pretrained' }));
  return (
    <div className="field hub-models">
      <span>Real T5 checkpoints (Hugging Face Hub; downloaded once, then kept in this browser)</span>
      <ul className="checkpoints hub-list" data-testid="hub-models">
        {hubModels.map((m) => {
          const why = cannotTrain(spec, m, backend);
          return (
            <li key={m.id} data-testid="hub-model">
              <code>{m.id}</code>
              <span className="muted">
                {(paramCount(m.config) / 1e6).toFixed(1)} M parameters · {mib(m.downloadBytes)} download · about{' '}
                {gib(memoryNeed(spec, m))} to train on {backend}
              </span>
              {current === m.url ? (
                <strong>the run's model</strong>
              ) : why ? (
                <span className="warn" data-testid="cannot-train">
                  cannot train here: {why}
                </span>
              ) : (
                <button type="button" className="small" onClick={() => use(m)}>
                  Use
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {current && !hubModels.some((m) => m.url === current) && (
        <p className="hint" data-testid="checkpoint-url">
          The run's model: the checkpoint at <code>{current}</code>, with its own tokenizer.
          {'sha256' in spec.model &&
            spec.model.sha256 &&
            ` The link names its content hash ${shortHash(spec.model.sha256)}…; the run checks the files it reads against it.`}
        </p>
      )}
      {problem && <p className="hint warn">{problem}</p>}
      {folders.length > 0 && (
        <ul className="checkpoints" data-testid="cached-models">
          {folders.map((f) => (
            <li key={f.folder}>
              <code>{f.folder}</code>
              <span className="muted">
                {mib(f.bytes)} cached ({f.files.join(', ')})
              </span>
              <button type="button" className="small" onClick={() => void remove(f.folder)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
