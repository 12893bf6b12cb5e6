// The model and how it starts: preset, pretrained base or random weights (and why that matters for fusion), skill-unit
// granularity, seed and the main training settings.
import { presets } from '../../engine/model/config';
import { baseFor } from '../../engine/model/bases';
import {
  specFieldProblem,
  type ExperimentSpec,
  type TrainingSpec,
  type UnitGranularity,
} from '../../engine/spec/experiment';
import { updateSpec, useExperimentStore } from '../experimentStore';
import { sameConfig, useImportedStore } from '../importedStore';
import { HubModels } from './HubModels';
import { NumberField } from './NumberField';

// bench-ref has a 64-token vocabulary, too small for the byte tokenizer.
const presetNames = Object.keys(presets).filter((p) => presets[p].vocabSize >= 259);

const granularities: { id: UnitGranularity; label: string }[] = [
  { id: 'tensor', label: 'tensors (one unit per weight matrix, as the paper)' },
  { id: 'head-neuron', label: 'heads and FFN neuron blocks (finer, our teaching extension)' },
];

const setTraining = (p: Partial<TrainingSpec>) => updateSpec((s) => ({ ...s, training: { ...s.training, ...p } }));
const set = (p: Partial<ExperimentSpec>) => updateSpec((s) => ({ ...s, ...p }));

/** Checkpoints read by the Import panel: one of them can become the model (its config, its weights as the base). */
function ImportedCheckpoints({ spec }: { spec: ExperimentSpec }) {
  const checkpoints = useImportedStore((s) => s.checkpoints);
  const ids = Object.keys(checkpoints);
  if (!ids.length) return null;
  const config = 'config' in spec.model ? spec.model.config : null;
  return (
    <div className="field">
      <span>Imported checkpoints</span>
      <ul className="checkpoints" data-testid="imported-checkpoints">
        {ids.map((id) => {
          const c = checkpoints[id];
          const inUse = config !== null && spec.init === 'pretrained' && sameConfig(c.config, config);
          return (
            <li key={id}>
              <code>{id}</code>
              <span className="muted">
                d_model {c.config.dModel}, {c.config.numLayers}+{c.config.numDecoderLayers} layers
              </span>
              {inUse ? (
                <strong data-testid="checkpoint-in-use">
                  the run's model{c.tokenizer ? `, with its own tokenizer (${c.tokenizer.kind})` : ''}
                </strong>
              ) : (
                <button
                  type="button"
                  className="small"
                  onClick={() => set({ model: { config: { ...c.config } }, init: 'pretrained' })}
                >
                  Use as the model
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function ModelPanel() {
  const spec = useExperimentStore((s) => s.spec);
  const preset = 'preset' in spec.model ? spec.model.preset : null;
  return (
    <section className="panel" aria-labelledby="model-title">
      <h2 id="model-title">Model and training</h2>
      <div className="field-row">
        <div className="field">
          <label htmlFor="preset">Model preset</label>
          <select id="preset" value={preset ?? ''} onChange={(e) => set({ model: { preset: e.target.value } })}>
            {preset === null && <option value="">edited config</option>}
            {presetNames.map((p) => (
              <option key={p} value={p}>
                {p} (d_model {presets[p].dModel}, {presets[p].numLayers}+{presets[p].numDecoderLayers} layers)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="granularity">Skill units</label>
          <select
            id="granularity"
            value={spec.units.granularity}
            onChange={(e) => set({ units: { ...spec.units, granularity: e.target.value as UnitGranularity } })}
          >
            {granularities.map((g) => (
              <option key={g.id} value={g.id}>
                {g.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ImportedCheckpoints spec={spec} />
      <HubModels spec={spec} />
      <fieldset className="init">
        <legend>Start from</legend>
        <label>
          <input
            type="radio"
            name="init"
            checked={spec.init === 'pretrained'}
            onChange={() => set({ init: 'pretrained' })}
          />{' '}
          a pretrained base
          {preset && !baseFor(preset) && <span className="muted"> (none for {preset}: runs from scratch)</span>}
        </label>
        <label>
          <input type="radio" name="init" checked={spec.init === 'scratch'} onChange={() => set({ init: 'scratch' })} />{' '}
          random weights (scratch)
        </label>
        <p className="hint">
          Fusion blends models around what they share: from scratch there is nothing shared, and every fusion rule
          collapses toward zero; from a base that already holds the skills, KIF keeps earlier tasks (KIF.md §9).
        </p>
      </fieldset>
      <div className="field-row">
        <NumberField
          label="Seed"
          value={spec.seed}
          check={(v) => specFieldProblem('seed', v)}
          onCommit={(seed) => set({ seed })}
          step={1}
          testId="seed"
          className="compact"
        />
        <NumberField
          label="Learning rate"
          value={spec.training.lr}
          check={(v) => specFieldProblem('lr', v)}
          onCommit={(lr) => setTraining({ lr })}
          testId="lr"
          className="compact"
        />
        <NumberField
          label="Batch size"
          value={spec.training.batchSize}
          check={(v) => specFieldProblem('batchSize', v)}
          onCommit={(batchSize) => setTraining({ batchSize })}
          step={1}
          testId="batch"
          className="compact"
        />
        <NumberField
          label="Warm-up steps"
          value={spec.training.warmupSteps}
          check={(v) => specFieldProblem('warmupSteps', v)}
          onCommit={(warmupSteps) => setTraining({ warmupSteps })}
          step={1}
          testId="warmup"
          className="compact"
        />
      </div>
    </section>
  );
}
