// Live skill-unit importance of the KIF strategies (tabs: the task in training, each finished task, the accumulated
// scores) and, after each fusion of any strategy that fuses, the fusion map: coloured by case (KIF hard), by the
// earlier model's weight, or, for the merging rules, by each task's share of every unit.
import { useState } from 'react';
import type { FusionCase } from '../../engine/kif/fusion';
import { importanceView, type ImportanceView } from '../../engine/kif/importanceViews';
import { unitKindLabels, unitKindOf, type UnitInfo } from '../../engine/kif/unitKindRegistry';
import { unitInfos } from '../../engine/kif/units';
import type { UnitScores } from '../../engine/strategies/types';
import { cividis, seriesColor } from '../heatmap/colors';
import { readableOn } from '../heatmap/contrast';
import { importanceLook, viewLegends } from '../heatmap/importanceLook';
import { FusionCaseLegend } from './FusionCaseLegend';
import { ImportanceViewPicker } from './ImportanceViewPicker';
import { isDone, shownImportance, unitsOf } from '../../engine/run/state';
import { useRunStore } from '../runStore';
import { useStrategies, useTaskNames, useTaskSteps, useUnitsOf } from '../runView';
import { fusionCaseLook } from '../heatmap/fusionCaseLook';
import { UnitHeatmap, type CellLook } from './UnitHeatmap';
import { TopUnitsList } from './TopUnitsList';

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

/** What the fusion map colours by: the earlier tasks' weight (every rule), one task's share, or the largest share. */
type MapView = 'earlier' | 'dominant' | `task-${number}`;

// Units a merge left at the base (e.g. TIES trimmed all their entries) have no share to show.
const AT_BASE: CellLook = {
  color: '#d9d9d9',
  mark: '·',
  markColor: '#333',
  describe: 'unchanged: the merge left this unit at the base',
  value: 'base',
};

/** Which kinds of unit the hard rule found important (shared, kept or taken): with the paper's rule, mostly norms. */
function ImportantKinds({ cases, infos }: { cases: Record<string, FusionCase>; infos: ReadonlyMap<string, UnitInfo> }) {
  const important = Object.entries(cases).filter(([u, c]) => c !== 'averaged' && infos.has(u));
  if (important.length === 0) return null;
  const byKind = important.reduce<Record<string, number>>((a, [u]) => {
    const label = unitKindLabels[unitKindOf(infos.get(u)!)];
    return { ...a, [label]: (a[label] ?? 0) + 1 };
  }, {});
  const kinds = Object.entries(byKind).sort((a, b) => b[1] - a[1]);
  return (
    <p className="hint" data-testid="fusion-important-kinds">
      Important before or now ({important.length} units): {kinds.map(([k, n]) => `${n} ${k}`).join(', ')}.
      {kinds[0][0] === unitKindLabels.norm &&
        ' Over all units the top % goes to the norms first (their raw scores are the largest); the what-if knob "within (extension)" thresholds each kind on its own.'}
    </p>
  );
}

function FusionMap({ strategy }: { strategy: number }) {
  const s = useRunStore((st) => st.run?.strategies[strategy]);
  const tasks = useTaskNames();
  const units = useUnitsOf(strategy);
  const [pick, setPick] = useState<number | null>(null);
  const [view, setView] = useState<MapView>('earlier');
  if (!s || s.fusions.length === 0)
    return <p className="muted">The fusion map appears after the first fusion (the end of the second task).</p>;
  const index = pick !== null && pick < s.fusions.length ? pick : s.fusions.length - 1;
  const f = s.fusions[index];
  const cases = f.cases;
  const shares = f.shares;
  const shown: MapView = shares && (view === 'dominant' || Number(view.slice(5)) <= f.afterTask) ? view : 'earlier';
  const counts = cases
    ? Object.values(cases).reduce<Record<string, number>>((a, c) => ({ ...a, [c]: (a[c] ?? 0) + 1 }), {})
    : null;
  const shareText = (sh: number[]) =>
    sh.map((x, t) => `${tasks[t] ?? `task ${t + 1}`} ${(x * 100).toFixed(0)}%`).join(', ');
  const look = (unit: string): CellLook | null => {
    const w = f.prevWeight[unit];
    if (w === undefined) return null;
    const c = cases?.[unit];
    if (c) return fusionCaseLook(c, w);
    const sh = shares?.[unit];
    if (sh && sh.every((x) => x === 0)) return AT_BASE;
    if (sh && shown === 'dominant') {
      const t = sh.indexOf(Math.max(...sh));
      return {
        color: seriesColor(t),
        mark: String(t + 1),
        markColor: readableOn(seriesColor(t)),
        describe: `largest share: task ${t + 1}; ${shareText(sh)}`,
        value: `task-${t}`,
      };
    }
    if (sh && shown.startsWith('task-')) {
      const x = sh[Number(shown.slice(5))];
      return {
        color: cividis(x),
        describe: `share of task ${Number(shown.slice(5)) + 1}: ${(x * 100).toFixed(1)}%; ${shareText(sh)}`,
        value: x.toFixed(3),
      };
    }
    return {
      color: cividis(w),
      describe: sh
        ? `earlier tasks' share ${w.toFixed(3)}; ${shareText(sh)}`
        : `weight of the earlier model ${w.toFixed(3)}, of the new one ${(1 - w).toFixed(3)}`,
      value: w.toFixed(3),
    };
  };
  return (
    <div>
      <div className="fusion-pickers">
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
        {shares && (
          <div className="field inline">
            <label htmlFor="fusion-view">Colour by</label>
            <select
              id="fusion-view"
              data-testid="fusion-view"
              value={shown}
              onChange={(e) => setView(e.target.value as MapView)}
            >
              <option value="earlier">earlier tasks' share</option>
              <option value="dominant">task with the largest share</option>
              {Array.from({ length: f.afterTask + 1 }, (_, t) => (
                <option key={t} value={`task-${t}`}>
                  share of task {t + 1} ({tasks[t]})
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <UnitHeatmap
        units={units}
        look={look}
        label={`Fusion map of ${s.label} after task ${f.afterTask + 1}`}
        testId="fusion-map"
        legend={
          counts ? (
            <FusionCaseLegend counts={counts} testId="fusion-legend" />
          ) : shown === 'dominant' ? (
            <p className="ramp-legend" data-testid="fusion-legend">
              {Array.from({ length: f.afterTask + 1 }, (_, t) => (
                <span key={t}>
                  <span className="swatch" style={{ background: seriesColor(t) }} aria-hidden="true" /> {t + 1}:{' '}
                  {tasks[t]}
                </span>
              ))}
              <span>
                <span className="swatch" style={{ background: AT_BASE.color }} aria-hidden="true" /> at the base
              </span>
            </p>
          ) : shares ? (
            <Legend
              from={shown === 'earlier' ? 'all from the last task (0)' : 'none of it (0)'}
              to={shown === 'earlier' ? 'all from earlier tasks (1)' : 'all of the change (1)'}
              ramp={cividis}
            />
          ) : (
            <Legend from="all new model (0)" to="all earlier model (1)" ramp={cividis} />
          )
        }
      />
      {counts && <ImportantKinds cases={cases!} infos={unitInfos(units)} />}
    </div>
  );
}

/** The fusion map of any strategy that fuses (KIF, weight averaging, the merging rules), `preferred` first. */
function FusionMapSection({ preferred }: { preferred: number | undefined }) {
  const strategies = useStrategies();
  const fusing = strategies.map((s, i) => ({ s, i })).filter(({ s }) => s.fusions.length > 0);
  const [chosen, setChosen] = useState<number | null>(null);
  const current = fusing.find(({ i }) => i === chosen) ?? fusing.find(({ i }) => i === preferred) ?? fusing[0];
  return (
    <>
      <h3>Fusion map</h3>
      {fusing.length > 1 && current && (
        <div className="field inline">
          <label htmlFor="fusion-strategy">Strategy</label>
          <select
            id="fusion-strategy"
            data-testid="fusion-strategy"
            value={current.i}
            onChange={(e) => setChosen(Number(e.target.value))}
          >
            {fusing.map(({ s: x, i }) => (
              <option key={i} value={i}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <FusionMap strategy={current?.i ?? preferred ?? -1} />
    </>
  );
}

export function ImportancePanel() {
  const strategies = useStrategies();
  const tasks = useTaskNames();
  const taskSteps = useTaskSteps();
  const run = useRunStore((st) => st.run);
  const kif = strategies
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.live?.importance || (s.importance?.tasks.length ?? 0) > 0);
  const fuses = strategies.some((s) => s.fusions.length > 0);
  const [chosen, setChosen] = useState<number | null>(null);
  const [tab, setTab] = useState<string>('current');
  const [view, setView] = useState<ImportanceView>('normalised');
  if (kif.length === 0) {
    return (
      <section className="panel" aria-labelledby="imp-title">
        <h2 id="imp-title">Skill-unit importance</h2>
        <p className="muted">
          When a KIF strategy trains, the importance of every skill unit lights up here, layer by layer.
        </p>
        {fuses && <FusionMapSection preferred={undefined} />}
      </section>
    );
  }
  const current = kif.find(({ i }) => i === chosen) ?? kif.find(({ s }) => !isDone(s)) ?? kif[0];
  const s = current.s;
  const units = unitsOf(run!, s);
  const infos = unitInfos(units);
  const kindOf = (u: string) => unitKindOf(infos.get(u) ?? { shape: 'other', name: u });
  const live = shownImportance(s, taskSteps);
  const taskScores = s.importance?.tasks ?? [];
  const tabs: { id: string; label: string; scores: UnitScores | undefined; task: number | null }[] = [
    {
      id: 'current',
      label: live ? `Current: task ${live.task + 1} (${tasks[live.task]}), step ${live.step}` : 'Current task',
      scores: live?.scores,
      task: live?.task ?? null,
    },
    ...taskScores.map((sc, k) => ({ id: `task-${k}`, label: `Task ${k + 1}: ${tasks[k]}`, scores: sc, task: k })),
    { id: 'accumulated', label: 'Accumulated', scores: s.importance?.accumulated.at(-1), task: null },
  ];
  const active = tabs.find((t) => t.id === tab) ?? tabs[0];
  // The task in training is compared with the finished tasks before it.
  const taskSet = active.id === 'current' && live ? [...taskScores.slice(0, live.task), live.scores] : taskScores;
  const wanted = active.scores
    ? importanceView(view, active.scores, { tasks: taskSet, task: active.task, kindOf })
    : null;
  const shown =
    wanted ??
    (active.scores ? importanceView('normalised', active.scores, { tasks: taskSet, task: null, kindOf }) : null);
  const fusion = s.fusions.find((f) => f.afterTask === active.task) ?? s.fusions.at(-1);
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
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === active.id}
            className={t.id === active.id ? 'tab active' : 'tab'}
            onClick={() => setTab(t.id)}
            disabled={!t.scores}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {active.scores && shown ? (
          <>
            <ImportanceViewPicker chosen={view} view={shown.view} onChange={setView} />
            <UnitHeatmap
              units={units}
              look={importanceLook(shown, active.scores, infos, fusion?.cases)}
              label={`Importance of ${s.label}: ${active.label}, ${shown.view} view`}
              testId="importance-heatmap"
              legend={<Legend {...viewLegends[shown.view]} />}
            />
          </>
        ) : (
          <p className="muted">No scores yet: the first arrive after a few training steps.</p>
        )}
      </div>
      <TopUnitsList taskScores={taskScores} tasks={tasks} strategy={s.label} />
      <FusionMapSection preferred={current.i} />
    </section>
  );
}
