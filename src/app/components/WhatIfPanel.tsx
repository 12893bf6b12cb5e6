// What-if fusion: after a run, change γ, top %, τ, β or the rule of a KIF strategy's last fusion and see it recomputed
// and re-evaluated in the worker within seconds, without retraining.
import { useEffect, useMemo, useState } from 'react';
import type { FusionRule } from '../../engine/kif/fusion';
import { continualMetrics } from '../../engine/metrics/continual';
import { hardRuleKnobs, importanceKnobs, softRuleKnobs } from '../../engine/strategies/kifKnobs';
import { knobProblem, type KnobDef } from '../../engine/strategies/knobs';
import { useExperimentStore } from '../experimentStore';
import { FusionCaseLegend } from './FusionCaseLegend';
import { useRunStore } from '../runStore';
import { trainer } from '../trainerClient';
import { useTrainerStore } from '../trainerStore';
import { NumberField } from './NumberField';
import { FieldBlockers } from './FieldBlockers';
import { problemsOf, useFieldProblems } from '../fieldProblems';

interface Knobs {
  rule: FusionRule['kind'];
  gamma: number;
  topPercent: number;
  tau: number;
  beta: number;
}

const DEBOUNCE_MS = 250;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const knobDefs: Record<Exclude<keyof Knobs, 'rule'>, { def: KnobDef; label: string; rule: FusionRule['kind'] | null }> = {
  gamma: { def: hardRuleKnobs.gamma, label: 'γ (gamma)', rule: 'hard' },
  topPercent: { def: hardRuleKnobs.topPercent, label: 'top %', rule: 'hard' },
  tau: { def: softRuleKnobs.tau, label: 'τ (tau)', rule: 'soft' },
  beta: { def: importanceKnobs.beta, label: 'β (beta)', rule: null },
};

const ruleOf = (k: Knobs): FusionRule => (k.rule === 'hard' ? { kind: 'hard', gamma: k.gamma, topPercent: k.topPercent } : { kind: 'soft', tau: k.tau });

export function WhatIfPanel() {
  const results = useExperimentStore((s) => s.results);
  const refusable = useRunStore((s) => s.refusable);
  const whatIf = useRunStore((s) => s.whatIf);
  const phase = useTrainerStore((s) => s.phase);
  const [strategy, setStrategy] = useState<number | null>(null);
  const chosen = strategy !== null && refusable.includes(strategy) ? strategy : refusable[0];
  const run = chosen !== undefined ? results?.strategies[chosen] : undefined;
  const initial = useMemo((): Knobs | null => {
    if (!run) return null;
    const n = (k: string, d: number) => (typeof run.knobs[k] === 'number' ? (run.knobs[k] as number) : d);
    return {
      rule: run.fusions.at(-1)?.rule === 'soft' ? 'soft' : 'hard',
      gamma: n('gamma', hardRuleKnobs.gamma.default as number),
      topPercent: n('topPercent', hardRuleKnobs.topPercent.default as number),
      tau: n('tau', softRuleKnobs.tau.default as number),
      beta: n('beta', importanceKnobs.beta.default as number),
    };
  }, [run]);
  const [knobs, setKnobs] = useState<Knobs | null>(null);
  useEffect(() => setKnobs(initial), [initial]);
  // A knob showing a bad value holds no recompute back silently: none runs, and the panel says which knob.
  const blocked = useFieldProblems((s) => problemsOf(s, 'whatif').length > 0);

  // Recompute shortly after the last change (the first time with the run's own knobs: it must give the run's numbers).
  useEffect(() => {
    if (!knobs || chosen === undefined || blocked) return;
    const t = setTimeout(() => trainer.refuse(chosen, ruleOf(knobs), knobs.beta), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [knobs, chosen, blocked]);

  if (!results || !run || !knobs || chosen === undefined) {
    return (
      <section className="panel" aria-labelledby="whatif-title">
        <h2 id="whatif-title">What-if fusion</h2>
        <p className="muted">After a run with a KIF strategy over two or more tasks, change its fusion knobs here and see the last fusion recomputed without retraining.</p>
      </section>
    );
  }
  const lastRow = run.matrix.at(-1) ?? [];
  const result = whatIf.result && whatIf.result.strategy === chosen ? whatIf.result : null;
  const newMatrix = result ? [...run.matrix.slice(0, -1), result.scores] : null;
  const runAp = run.metrics?.ap ?? NaN;
  const newAp = newMatrix && newMatrix.length >= 2 ? continualMetrics(newMatrix).ap : NaN;
  const runWeight = mean(Object.values(run.fusions.at(-1)?.prevWeight ?? {}));
  const counts = result?.caseCounts;
  const tasks = results.tasks.map((t) => t.name);
  const set = (p: Partial<Knobs>) => setKnobs({ ...knobs, ...p });
  const busy = whatIf.pending !== null || phase === 'refusing';

  return (
    <section className="panel" aria-labelledby="whatif-title" data-testid="whatif">
      <h2 id="whatif-title">What-if fusion</h2>
      <p className="hint">
        <strong>Exact:</strong> the last fusion (after task {(result?.task ?? tasks.length - 1) + 1}) recomputed from the same two models and
        importance scores, then evaluated on every test set. <strong>Not redone:</strong> earlier fusions and the training after them
        {run.name === 'kif-replay' ? ', and the replay phase after this fusion' : ''} stay as the run made them.
      </p>
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
        <fieldset className="compact rule">
          <legend>Rule</legend>
          <label>
            <input type="radio" name="whatif-rule" checked={knobs.rule === 'hard'} onChange={() => set({ rule: 'hard' })} /> hard (four cases)
          </label>
          <label>
            <input type="radio" name="whatif-rule" checked={knobs.rule === 'soft'} onChange={() => set({ rule: 'soft' })} /> soft (softmax)
          </label>
        </fieldset>
      </div>
      <div className="field-row">
        {(Object.keys(knobDefs) as (keyof typeof knobDefs)[]).map((k) => (
          <NumberField
            key={k}
            label={knobDefs[k].label}
            value={knobs[k]}
            check={(v) => knobProblem(knobDefs[k].def, v)}
            onCommit={(v) => set({ [k]: v })}
            disabled={knobDefs[k].rule !== null && knobDefs[k].rule !== knobs.rule}
            testId={`whatif-${k}`}
            className="compact"
            scope="whatif"
          />
        ))}
      </div>
      <FieldBlockers scope="whatif" action="Recompute" testId="whatif-blocked" />
      <p className="muted" aria-live="polite" data-testid="whatif-status">
        {blocked ? 'Not recomputed: the numbers below are for the last valid knobs.' : busy ? 'Recomputing…' : whatIf.error ? '' : result ? 'Up to date.' : ''}
      </p>
      {whatIf.error && (
        <p className="field-error" role="alert">
          {whatIf.error}
        </p>
      )}
      <table className="metrics whatif-table">
        <thead>
          <tr>
            <th scope="col">After the last task</th>
            <th scope="col">In the run</th>
            <th scope="col">What-if</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t, j) => (
            <tr key={j}>
              <th scope="row">{t}</th>
              <td>{lastRow[j]?.toFixed(1) ?? '–'}</td>
              <td data-testid={`whatif-score-${j}`}>{result ? result.scores[j].toFixed(1) : '…'}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">AP</th>
            <td>{runAp.toFixed(1)}</td>
            <td data-testid="whatif-ap">{Number.isFinite(newAp) ? newAp.toFixed(1) : '…'}</td>
          </tr>
          <tr>
            <th scope="row" title="mean over units of the weight the fused unit gives the model before this task">
              Earlier model's weight
            </th>
            <td>{runWeight.toFixed(3)}</td>
            <td data-testid="whatif-weight">{result ? result.meanPrevWeight.toFixed(3) : '…'}</td>
          </tr>
        </tbody>
      </table>
      {counts && <FusionCaseLegend counts={counts} testId="whatif-cases" short />}
    </section>
  );
}
