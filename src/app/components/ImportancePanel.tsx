// Live skill-unit importance of the KIF strategies (tabs: the task in training, each finished task, the accumulated
// scores) and, after each fusion, the fusion map coloured by case.
import { useState } from 'react';
import type { UnitScores } from '../../engine/strategies/types';
import { caseStyles, cividis, viridis } from '../heatmap/colors';
import { FusionCaseLegend } from './FusionCaseLegend';
import { unitNamesFor } from '../heatmap/unitLayout';
import { useRunStore } from '../runStore';
import { UnitHeatmap, type CellLook } from './UnitHeatmap';

const fmtScore = (x: number) => (x === 0 ? '0' : x.toExponential(2));

// Scores span orders of magnitude (the embedding often dwarfs the rest), so colours follow their logarithm.
function scoreLook(scores: UnitScores) {
  const positive = Object.values(scores).filter((v) => v > 0);
  const lo = Math.log(Math.min(...positive));
  const hi = Math.log(Math.max(...positive));
  return (unit: string): CellLook | null => {
    const s = scores[unit];
    if (s === undefined) return null;
    const t = s > 0 && hi > lo ? (Math.log(s) - lo) / (hi - lo) : 0;
    return { color: viridis(t), describe: `score ${fmtScore(s)}`, value: fmtScore(s) };
  };
}

function Legend({ from, to, ramp }: { from: string; to: string; ramp: (t: number) => string }) {
  const stops = Array.from({ length: 9 }, (_, i) => ramp(i / 8)).join(', ');
  return (
    <p className="ramp-legend">
      <span>{from}</span>
      <span className="ramp" style={{ background: `linear-gradient(to right, ${stops})` }} aria-hidden="true" />
      <span>{to}</span>
    </p>
  );
}

function FusionMap({ strategy }: { strategy: number }) {
  const s = useRunStore((st) => st.strategies[strategy]);
  const tasks = useRunStore((st) => st.tasks);
  const units = useRunStore((st) => st.units);
  const [pick, setPick] = useState<number | null>(null);
  if (!s || s.fusions.length === 0) return <p className="muted">The fusion map appears after the first fusion (the end of the second task).</p>;
  const index = pick !== null && pick < s.fusions.length ? pick : s.fusions.length - 1;
  const f = s.fusions[index];
  const cases = f.cases;
  const counts = cases ? Object.values(cases).reduce<Record<string, number>>((a, c) => ({ ...a, [c]: (a[c] ?? 0) + 1 }), {}) : null;
  const look = (unit: string): CellLook | null => {
    const w = f.prevWeight[unit];
    if (w === undefined) return null;
    const c = cases?.[unit];
    if (c) return { color: caseStyles[c].color, mark: caseStyles[c].mark, markColor: caseStyles[c].text, describe: `${c}: ${caseStyles[c].label}; weight of the earlier model ${w.toFixed(2)}`, value: c };
    return { color: cividis(w), describe: `weight of the earlier model ${w.toFixed(3)}, of the new one ${(1 - w).toFixed(3)}`, value: w.toFixed(3) };
  };
  return (
    <div>
      <div className="field inline">
        <label htmlFor="fusion-pick">Fusion</label>
        <select id="fusion-pick" value={index} onChange={(e) => setPick(Number(e.target.value))}>
          {s.fusions.map((x, i) => (
            <option key={i} value={i}>
              after task {x.afterTask + 1} ({tasks[x.afterTask]}), {x.rule} rule
            </option>
          ))}
        </select>
      </div>
      <UnitHeatmap names={unitNamesFor(units, f.prevWeight)} look={look} label={`Fusion map of ${s.label} after task ${f.afterTask + 1}`} testId="fusion-map" />
      {counts ? (
        <FusionCaseLegend counts={counts} testId="fusion-legend" />
      ) : (
        <Legend from="all new model (0)" to="all earlier model (1)" ramp={cividis} />
      )}
    </div>
  );
}

export function ImportancePanel() {
  const strategies = useRunStore((s) => s.strategies);
  const tasks = useRunStore((s) => s.tasks);
  const units = useRunStore((s) => s.units);
  const kif = strategies.map((s, i) => ({ s, i })).filter(({ s }) => s.live || s.taskScores.length > 0);
  const [chosen, setChosen] = useState<number | null>(null);
  const [tab, setTab] = useState<string>('current');
  if (kif.length === 0) {
    return (
      <section className="panel" aria-labelledby="imp-title">
        <h2 id="imp-title">Skill-unit importance</h2>
        <p className="muted">When a KIF strategy trains, the importance of every skill unit lights up here, layer by layer.</p>
      </section>
    );
  }
  const current = kif.find(({ i }) => i === chosen) ?? kif.find(({ s }) => !s.done) ?? kif[0];
  const s = current.s;
  const tabs: { id: string; label: string; scores: UnitScores | undefined }[] = [
    { id: 'current', label: s.live ? `Current: task ${s.live.task + 1} (${tasks[s.live.task]}), step ${s.live.step}` : 'Current task', scores: s.live?.scores },
    ...s.taskScores.map((sc, k) => ({ id: `task-${k}`, label: `Task ${k + 1}: ${tasks[k]}`, scores: sc })),
    { id: 'accumulated', label: 'Accumulated', scores: s.accumulated.at(-1) },
  ];
  const active = tabs.find((t) => t.id === tab) ?? tabs[0];
  return (
    <section className="panel" aria-labelledby="imp-title">
      <h2 id="imp-title">Skill-unit importance</h2>
      <div className="field inline">
        <label htmlFor="imp-strategy">Strategy</label>
        <select id="imp-strategy" value={current.i} onChange={(e) => setChosen(Number(e.target.value))}>
          {kif.map(({ s: x, i }) => (
            <option key={i} value={i}>
              {x.label}
            </option>
          ))}
        </select>
      </div>
      <div role="tablist" aria-label="Which scores" className="tabs">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={t.id === active.id} className={t.id === active.id ? 'tab active' : 'tab'} onClick={() => setTab(t.id)} disabled={!t.scores}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {active.scores ? (
          <>
            <UnitHeatmap names={unitNamesFor(units, active.scores)} look={scoreLook(active.scores)} label={`Importance of ${s.label}: ${active.label}`} testId="importance-heatmap" />
            <Legend from="least important" to="most important (log scale)" ramp={viridis} />
          </>
        ) : (
          <p className="muted">No scores yet: the first arrive after a few training steps.</p>
        )}
      </div>
      <h3>Fusion map</h3>
      <FusionMap strategy={current.i} />
    </section>
  );
}
