// Strategies to compare on the same run: toggle several at once, each with a one-line explanation and its knobs
// (checked where they are typed), and the "paper defaults" button (KIF.md §5 training settings, KIF constants).
import { useState } from 'react';
import {
  paperTrainingDefaults,
  PAPER_EPOCHS,
  PAPER_SEED,
  withPaperDefaults,
  type StrategySpec,
} from '../../engine/spec/experiment';
import { strategyCatalog } from '../../engine/strategies/catalog';
import {
  knobLabel,
  knobProblem,
  paperKnobs,
  paperNote,
  type KnobDef,
  type KnobValue,
} from '../../engine/strategies/knobs';
import type { StrategyInfo } from '../../engine/strategies/types';
import { updateSpec, useExperimentStore } from '../experimentStore';
import { NumberField } from './NumberField';
import { FullDescription } from './FullDescription';

const firstSentence = (text: string) => /^.*?[.:;](\s|$)/.exec(text)?.[0].trim() ?? text;

const setStrategies = (f: (s: StrategySpec[]) => StrategySpec[]) =>
  updateSpec((spec) => ({ ...spec, strategies: f(spec.strategies) }));

function setKnob(name: string, knob: string, value: KnobValue) {
  setStrategies((list) => list.map((s) => (s.name === name ? { ...s, knobs: { ...s.knobs, [knob]: value } } : s)));
}

/** The knob's meaning, and the paper's value where it differs from the default (both from the knob table). */
function KnobHelp({ def }: { def: KnobDef }) {
  const paper = paperNote(def);
  return (
    <p className="knob-help">
      {def.help}
      {paper && ` (${paper})`}
    </p>
  );
}

function KnobInput({ strategy, name, def, value }: { strategy: string; name: string; def: KnobDef; value: KnobValue }) {
  const id = `knob-${strategy}-${name}`;
  if (def.kind === 'number' || def.kind === 'int') {
    return (
      <div title={def.help}>
        <NumberField
          label={name}
          value={value as number}
          step={def.kind === 'int' ? 1 : 'any'}
          check={(v) => knobProblem(def, v)}
          onCommit={(v) => setKnob(strategy, name, v)}
          testId={id}
          fullLabel={`${strategy} ${name}`}
          className="compact"
        />
        <KnobHelp def={def} />
      </div>
    );
  }
  if (def.kind === 'choice') {
    return (
      <div className="field compact">
        <label htmlFor={id}>{name}</label>
        <select id={id} value={value as string} onChange={(e) => setKnob(strategy, name, e.target.value)}>
          {def.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <KnobHelp def={def} />
      </div>
    );
  }
  return (
    <div className="field compact">
      <label>
        <input type="checkbox" checked={value as boolean} onChange={(e) => setKnob(strategy, name, e.target.checked)} />{' '}
        {name}
      </label>
      <KnobHelp def={def} />
    </div>
  );
}

function StrategyRow({
  def,
  chosen,
  onToggle,
}: {
  def: StrategyInfo;
  chosen: StrategySpec | undefined;
  onToggle(on: boolean): void;
}) {
  const knobs = Object.entries(def.knobs);
  return (
    <li className={chosen ? 'strategy on' : 'strategy'} data-testid={`strategy-${def.name}`}>
      <label className="strategy-toggle">
        <input
          type="checkbox"
          checked={!!chosen}
          onChange={(e) => onToggle(e.target.checked)}
          aria-describedby={`why-${def.name}`}
        />
        <strong>{def.title}</strong> <code>{def.name}</code>
      </label>
      <p id={`why-${def.name}`} className="hint" title={def.description}>
        {firstSentence(def.description)}
      </p>
      <FullDescription name={def.title} text={def.description} />
      {chosen && knobs.length > 0 && (
        <details className="knobs">
          <summary>Knobs ({knobs.length})</summary>
          <div className="knob-grid">
            {knobs.map(([name, kd]) => (
              <KnobInput key={name} strategy={def.name} name={name} def={kd} value={chosen.knobs[name] ?? kd.default} />
            ))}
          </div>
        </details>
      )}
    </li>
  );
}

export function StrategyPanel() {
  const chosen = useExperimentStore((s) => s.spec.strategies);
  const [note, setNote] = useState<string | null>(null);
  const all = strategyCatalog;
  const toggle = (def: StrategyInfo, on: boolean) => {
    if (!on && chosen.length === 1) {
      setNote('Keep at least one strategy: a run needs something to train.');
      return;
    }
    setNote(null);
    setStrategies((list) => {
      if (!on) return list.filter((s) => s.name !== def.name);
      const order = all.map((d) => d.name);
      return [...list, { name: def.name, knobs: {} }].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    });
  };
  const paperDefaults = () => {
    // Knobs left out of a spec take their defaults; those whose paper value differs (the knob table) are set to it.
    const knobsOf = (name: string) => paperKnobs(all.find((d) => d.name === name)?.knobs ?? {});
    updateSpec((s) => ({
      ...withPaperDefaults(s),
      strategies: s.strategies.map((x) => ({ ...x, knobs: knobsOf(x.name) })),
    }));
    const t = paperTrainingDefaults;
    const knobs = new Map(
      chosen.flatMap((x) =>
        Object.entries(all.find((d) => d.name === x.name)?.knobs ?? {}).flatMap(([k, d]) =>
          d.paper !== undefined && d.kind === 'number' ? [[knobLabel(k, d), d.paper]] : [],
        ),
      ),
    );
    setNote(
      `Paper defaults (KIF.md §5): lr ${t.lr}, ${t.warmupSteps} warm-up steps, weight decay ${t.weightDecay}, batch ${t.batchSize}, clip ${t.clipNorm}, ` +
        `seed ${PAPER_SEED}, ${PAPER_EPOCHS} epochs per task` +
        (knobs.size ? `; knobs at the paper's values: ${[...knobs].map(([k, v]) => `${k} ${v}`).join(', ')}. ` : '. ') +
        'Small models from scratch learn slowly at this learning rate.',
    );
  };
  return (
    <section className="panel" aria-labelledby="strategies-title">
      <div className="panel-head">
        <h2 id="strategies-title">Strategies</h2>
        <button
          type="button"
          onClick={paperDefaults}
          title="KIF.md §5: the reference code's training settings and KIF constants"
        >
          Paper defaults
        </button>
      </div>
      {note && (
        <p className="note" role="status" data-testid="strategy-note">
          {note}
        </p>
      )}
      <ul className="strategies">
        {all.map((def) => (
          <StrategyRow
            key={def.name}
            def={def}
            chosen={chosen.find((s) => s.name === def.name)}
            onToggle={(on) => toggle(def, on)}
          />
        ))}
      </ul>
    </section>
  );
}
