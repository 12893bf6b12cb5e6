// What-if fusion: after a run, pick any strategy, any fusion rule of the registry and its knobs, and see the result
// recomputed over the models that strategy trained and re-evaluated in the worker within seconds, without retraining.
import { useEffect, useMemo, useState } from 'react';
import { resolveWhatIf, whatIfKnobDefs, whatIfStart } from '../../engine/experiment/whatIfKnobs';
import { fusionRuleInfo, fusionRuleNames, type FusionRuleName } from '../../engine/kif/fusionRuleKnobs';
import { continualMetrics } from '../../engine/metrics/continual';
import { knobLabel, type KnobDef, type Knobs, type KnobValue } from '../../engine/strategies/knobs';
import { mergeRuleOf } from '../../engine/strategies/mergingCatalog';
import { useExperimentStore } from '../experimentStore';
import { FusionCaseLegend } from './FusionCaseLegend';
import { useRunStore } from '../runStore';
import { useUnitsOf } from '../runView';
import { trainer } from '../trainerClient';
import { useTrainerStore } from '../trainerStore';
import { FieldBlockers } from './FieldBlockers';
import { KnobSlider } from './KnobSlider';
import { WhatIfChain } from './WhatIfChain';
import { problemsOf, useFieldProblems } from '../fieldProblems';

interface Choice {
  rule: FusionRuleName;
  /** What-if knob values of every rule (whatIfKnobs.ts), so switching rules keeps what was typed. */
  values: Record<FusionRuleName, Knobs>;
}

const DEBOUNCE_MS = 250;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const kifRuleOf: Record<string, FusionRuleName> = { 'kif-hard': 'hard', 'kif-replay': 'hard', 'kif-soft': 'soft' };
const shortLabel = (r: FusionRuleName) => fusionRuleInfo[r].label.split(':')[0];

/** The rule a strategy's own run used (its knobs as the run had them), or averaging for strategies without one. */
function initialChoice(name: string, knobs: Record<string, KnobValue>): Choice {
  const rule = kifRuleOf[name] ?? mergeRuleOf[name] ?? 'average';
  return { rule, values: whatIfStart(rule, knobs) };
}

function KnobField({
  name,
  def,
  value,
  onCommit,
}: {
  name: string;
  def: KnobDef;
  value: KnobValue;
  onCommit(v: KnobValue): void;
}) {
  if (def.kind === 'choice') {
    return (
      <div className="field compact">
        <label htmlFor={`whatif-${name}`}>{knobLabel(name, def)}</label>
        <select
          id={`whatif-${name}`}
          data-testid={`whatif-${name}`}
          value={String(value)}
          onChange={(e) => onCommit(e.target.value)}
          title={def.help}
        >
          {def.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
    );
  }
  if (def.kind !== 'number') return null;
  return <KnobSlider name={name} label={knobLabel(name, def)} def={def} value={value as number} onCommit={onCommit} />;
}

export function WhatIfPanel() {
  const results = useExperimentStore((s) => s.results);
  const refusable = useRunStore((s) => s.recomputable);
  const refusableKif = useRunStore((s) => s.recomputableKif);
  const whatIf = useRunStore((s) => s.whatIf);
  const phase = useTrainerStore((s) => s.phase);
  const [strategy, setStrategy] = useState<number | null>(null);
  // A KIF strategy first (its own fusion is the classic what-if), else the first strategy with task models.
  const chosen = strategy !== null && refusable.includes(strategy) ? strategy : (refusableKif[0] ?? refusable[0]);
  const units = useUnitsOf(chosen);
  const run = chosen !== undefined ? results?.strategies[chosen] : undefined;
  const hasKif = chosen !== undefined && refusableKif.includes(chosen);
  const initial = useMemo((): Choice | null => (run ? initialChoice(run.name, run.knobs) : null), [run]);
  const [choice, setChoice] = useState<Choice | null>(null);
  useEffect(() => setChoice(initial), [initial]);
  // A knob showing a bad value holds no recompute back silently: none runs, and the panel says which knob.
  const blocked = useFieldProblems((s) => problemsOf(s, 'whatif').length > 0);

  // Recompute shortly after the last change (the first time with the run's own knobs: it must give the run's numbers).
  useEffect(() => {
    if (!choice || chosen === undefined || blocked) return;
    const knobs = { rule: choice.rule, knobs: choice.values[choice.rule] };
    if (!resolveWhatIf(knobs).ok) return;
    const t = setTimeout(() => trainer.recomputeFusion(chosen, knobs), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [choice, chosen, blocked]);

  if (!results || !run || !choice || chosen === undefined) {
    return (
      <section className="panel" aria-labelledby="whatif-title">
        <h2 id="whatif-title">What-if fusion</h2>
        <p className="muted">
          After a run over two or more tasks, merge any strategy's task models here with any fusion rule (averaging,
          task arithmetic, TIES, DARE, MagMax, Fisher, or KIF's rules for a KIF strategy) and see the result without
          retraining.
        </p>
      </section>
    );
  }
  const info = fusionRuleInfo[choice.rule];
  const isKifRule = info.input === 'scores';
  const lastRow = run.matrix.at(-1) ?? [];
  const result = whatIf.result && whatIf.result.strategy === chosen ? whatIf.result : null;
  const newMatrix = result ? [...run.matrix.slice(0, -1), result.scores] : null;
  const runAp = run.metrics?.ap ?? NaN;
  const newAp = newMatrix && newMatrix.length >= 2 ? continualMetrics(newMatrix).ap : NaN;
  const runWeight = mean(Object.values(run.fusions.at(-1)?.prevWeight ?? {}));
  const counts = result?.caseCounts;
  const tasks = results.tasks.map((t) => t.name);
  const set = (p: Partial<Choice>) => setChoice({ ...choice, ...p });
  const setKnob = (k: string, v: KnobValue) =>
    set({ values: { ...choice.values, [choice.rule]: { ...choice.values[choice.rule], [k]: v } } });
  const busy = whatIf.pending !== null || phase === 'recomputing-fusion';
  const shares = result?.fusion.shares;
  const meanShares = shares ? tasks.map((_, t) => mean(Object.values(shares).map((s) => s[t] ?? 0))) : null;
  const ownMerge = mergeRuleOf[run.name] === choice.rule;

  return (
    <section className="panel" aria-labelledby="whatif-title" data-testid="whatif">
      <h2 id="whatif-title">What-if fusion</h2>
      {isKifRule && run.name !== 'kif-replay' && (!result || result.recomputed === 'whole') ? (
        <p className="hint" data-testid="whatif-chain-hint">
          <strong>Every fusion re-run:</strong> from the model after task 1, each fusion (after tasks 2 to{' '}
          {tasks.length}) is recomputed with these knobs from the recorded task models and importance scores, and every
          fused model is evaluated on every test set, so the matrix, the metrics and the fusion maps below change, and β
          (which only later fusions read) matters. <strong>Not redone:</strong> the training: each task model stays the
          one the run trained, from the run's own fused model.
        </p>
      ) : isKifRule ? (
        <p className="hint">
          <strong>Exact:</strong> the last fusion (after task {(result?.task ?? tasks.length - 1) + 1}) recomputed from
          the same two models and importance scores, then evaluated on every test set. <strong>Not redone:</strong>{' '}
          earlier fusions and the training after them
          {run.name === 'kif-replay' ? ', and the replay phase after this fusion' : ''} stay as the run made them.
        </p>
      ) : (
        <p className="hint" data-testid="whatif-merge-hint">
          Merges the task vectors θ<sub>t</sub> − θ<sub>0</sub> of the {tasks.length} models {run.label} trained (one
          after each task) against the model before the first task, then evaluates the merge on every test set.{' '}
          {ownMerge ? <strong>Exact: this strategy's own last merge. </strong> : null}
          <strong>Not redone:</strong> the training, which stays as {run.label} did it (a merging strategy that starts
          each task elsewhere trains other models).
        </p>
      )}
      <div className="field-row">
        <div className="field compact">
          <label htmlFor="whatif-strategy">Strategy</label>
          <select id="whatif-strategy" value={chosen} onChange={(e) => setStrategy(Number(e.target.value))}>
            {refusable.map((i) => (
              <option key={i} value={i}>
                {results.strategies[i]?.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact">
          <label htmlFor="whatif-rule">Rule</label>
          <select
            id="whatif-rule"
            data-testid="whatif-rule"
            value={choice.rule}
            onChange={(e) => set({ rule: e.target.value as FusionRuleName })}
            title={info.label}
          >
            {fusionRuleNames.map((r) => (
              <option key={r} value={r} disabled={fusionRuleInfo[r].input === 'scores' && !hasKif}>
                {fusionRuleInfo[r].input === 'scores' ? `KIF ${r}` : shortLabel(r)}
                {fusionRuleInfo[r].input === 'scores' && !hasKif ? ' (needs a KIF strategy)' : ''}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="knob-help">{info.label}</p>
      <div className="field-row">
        {Object.entries(whatIfKnobDefs(choice.rule)).map(([k, def]) => (
          <KnobField
            key={`${choice.rule}-${k}`}
            name={k}
            def={def}
            value={choice.values[choice.rule][k]}
            onCommit={(v) => setKnob(k, v)}
          />
        ))}
      </div>
      <button
        type="button"
        className="secondary"
        data-testid="whatif-reset"
        onClick={() => initial && setChoice(initial)}
        disabled={choice === initial}
      >
        Reset to the run's knobs
      </button>
      <FieldBlockers scope="whatif" action="Recompute" testId="whatif-blocked" />
      <p className="muted" aria-live="polite" data-testid="whatif-status">
        {blocked
          ? 'Not recomputed: the numbers below are for the last valid knobs.'
          : busy
            ? 'Recomputing…'
            : whatIf.error
              ? ''
              : result
                ? 'Up to date.'
                : ''}
      </p>
      {whatIf.error && (
        <p className="field-error" role="alert">
          {whatIf.error}
        </p>
      )}
      {result?.warnings.map((w) => (
        <p key={w} className="field-error" data-testid="whatif-warning">
          {w}
        </p>
      ))}
      <table className="metrics whatif-table">
        <thead>
          <tr>
            <th scope="col">After the last task</th>
            <th scope="col">In the run</th>
            <th scope="col">What-if</th>
            {meanShares && (
              <th scope="col" title="mean over skill units of the task's share of the merged change">
                Share of the merge
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {tasks.map((t, j) => (
            <tr key={j}>
              <th scope="row">{t}</th>
              <td>{lastRow[j]?.toFixed(1) ?? '–'}</td>
              <td data-testid={`whatif-score-${j}`}>{result ? result.scores[j].toFixed(1) : '…'}</td>
              {meanShares && <td data-testid={`whatif-share-${j}`}>{(meanShares[j] * 100).toFixed(0)}%</td>}
            </tr>
          ))}
          <tr>
            <th scope="row">AP</th>
            <td>{runAp.toFixed(1)}</td>
            <td data-testid="whatif-ap">{Number.isFinite(newAp) ? newAp.toFixed(1) : '…'}</td>
            {meanShares && <td />}
          </tr>
          <tr>
            <th
              scope="row"
              title="mean over units of the weight the fused unit gives the model before this task (merging rules: the earlier tasks' share)"
            >
              Earlier model's weight
            </th>
            <td>{Number.isFinite(runWeight) ? runWeight.toFixed(3) : '–'}</td>
            <td data-testid="whatif-weight">{result ? result.meanPrevWeight.toFixed(3) : '…'}</td>
            {meanShares && <td />}
          </tr>
        </tbody>
      </table>
      {counts && <FusionCaseLegend counts={counts} testId="whatif-cases" short />}
      {result && (
        <WhatIfChain asRun={run.matrix} asRunFusions={run.fusions} result={result} tasks={tasks} units={units} />
      )}
    </section>
  );
}
