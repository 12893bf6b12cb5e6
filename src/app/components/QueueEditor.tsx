// The task queue: add a built-in task (with a preview of generated examples), remove, reorder by drag or by keyboard
// (the arrow buttons, or Alt+ArrowUp / Alt+ArrowDown on a row), and set steps and data size per task.
import { useMemo, useState, type KeyboardEvent } from 'react';
import { taskEntry, taskFieldProblem, type TaskEntry } from '../../engine/spec/experiment';
import { makeTaskData } from '../../engine/tasks/makeTaskData';
import { getTask, listTasks } from '../../engine/tasks/registry';
import { updateSpec, useExperimentStore } from '../experimentStore';
import { useImportedStore } from '../importedStore';
import { DatasetCardView } from './DatasetCardView';
import { NumberField } from './NumberField';
import { CutShare, SequenceCaps, useCutShares } from './SequenceCaps';

const MAX_TASKS = 50;
const nameOf = (t: TaskEntry) => (typeof t.task === 'string' ? t.task : `dataset ${t.task.dataset}`);
const titleOf = (t: TaskEntry) =>
  typeof t.task === 'string' ? getTask(t.task).title : `Imported dataset "${t.task.dataset}"`;

const setTasks = (f: (tasks: TaskEntry[]) => TaskEntry[]) => updateSpec((s) => ({ ...s, tasks: f(s.tasks) }));

function move(from: number, to: number) {
  setTasks((tasks) => {
    if (to < 0 || to >= tasks.length || from === to) return tasks;
    const next = [...tasks];
    const [t] = next.splice(from, 1);
    next.splice(to, 0, t);
    return next;
  });
}

const patch = (i: number, p: Partial<TaskEntry>) =>
  setTasks((tasks) => tasks.map((t, j) => (j === i ? { ...t, ...p } : t)));

function Preview({ task, seed }: { task: string; seed: number }) {
  const examples = useMemo(() => makeTaskData(task, { seed, trainSize: 3, testSize: 0 }).train, [task, seed]);
  return (
    <table className="samples preview" data-testid="task-preview">
      <caption>{getTask(task).description} Three generated examples:</caption>
      <thead>
        <tr>
          <th scope="col">Input</th>
          <th scope="col">Expected output</th>
        </tr>
      </thead>
      <tbody>
        {examples.map((e) => (
          <tr key={e.input}>
            <td>
              <code>{e.input}</code>
            </td>
            <td>
              <code>{e.output}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Adds a dataset read by the Import panel as a task ({dataset: id}); sizes are capped by the dataset's own. */
function AddDataset({ disabled }: { disabled: boolean }) {
  const datasets = useImportedStore((s) => s.datasets);
  const ids = Object.keys(datasets);
  const [picked, setPicked] = useState('');
  const id = ids.includes(picked) ? picked : (ids[0] ?? '');
  if (!id) return <p className="hint">Datasets you import (Import, at the top) can be added here as tasks.</p>;
  const add = () => {
    const d = datasets[id];
    setTasks((ts) => [
      ...ts,
      {
        task: { dataset: id },
        steps: 80,
        trainSize: Math.min(1000, d.train.length),
        testSize: Math.min(50, d.test.length),
      },
    ]);
  };
  return (
    <>
      <div className="field inline">
        <label htmlFor="add-dataset">Add an imported dataset</label>
        <select id="add-dataset" value={id} onChange={(e) => setPicked(e.target.value)}>
          {ids.map((d) => (
            <option key={d} value={d}>
              {d} ({datasets[d].train.length} train, {datasets[d].test.length} test)
            </option>
          ))}
        </select>
        <button type="button" disabled={disabled} onClick={add} data-testid="add-dataset">
          Add
        </button>
      </div>
      <details className="dataset-card-box">
        <summary>Dataset card of “{id}”</summary>
        <DatasetCardView data={datasets[id]} />
      </details>
    </>
  );
}

export function QueueEditor() {
  const tasks = useExperimentStore((s) => s.spec.tasks);
  const seed = useExperimentStore((s) => s.spec.seed);
  const library = useMemo(() => listTasks({ pretrainOnly: false }), []);
  const [adding, setAdding] = useState(library[0]?.name ?? '');
  const [dragging, setDragging] = useState<number | null>(null);
  const [announce, setAnnounce] = useState('');
  const loaded = useImportedStore((s) => s.datasets);
  const { tok, shares } = useCutShares();

  const moveAndSay = (from: number, to: number) => {
    if (to < 0 || to >= tasks.length) return;
    move(from, to);
    setAnnounce(`${nameOf(tasks[from])} moved to position ${to + 1} of ${tasks.length}`);
  };
  const onRowKey = (i: number) => (e: KeyboardEvent) => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    moveAndSay(i, e.key === 'ArrowUp' ? i - 1 : i + 1);
  };

  return (
    <section className="panel" aria-labelledby="queue-title">
      <h2 id="queue-title">Task queue</h2>
      <p className="hint">
        Tasks are learned in this order. Drag a row, use its arrows, or press Alt+↑ / Alt+↓ on it to reorder.
      </p>
      <SequenceCaps tokenizer={tok} />
      <ol className="queue" data-testid="queue">
        {tasks.map((t, i) => (
          <li
            key={`${nameOf(t)}-${i}`}
            className={dragging === i ? 'queue-item dragging' : 'queue-item'}
            data-testid="queue-item"
            data-task={nameOf(t)}
            draggable
            onDragStart={(e) => {
              setDragging(i);
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', String(i)); // some browsers start a drag only with data
            }}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              if (dragging !== null) moveAndSay(dragging, i);
              setDragging(null);
            }}
            onDragEnd={() => setDragging(null)}
            onKeyDown={onRowKey(i)}
          >
            <div className="queue-head">
              <span className="drag-handle" aria-hidden="true" title="Drag to reorder">
                ⠿
              </span>
              <span
                className="queue-name"
                tabIndex={0}
                aria-label={`Task ${i + 1}: ${titleOf(t)}. Alt+Arrow keys move it.`}
              >
                <strong>{i + 1}.</strong> {titleOf(t)}
                {typeof t.task !== 'string' && !loaded[t.task.dataset] && (
                  <span className="queue-missing" role="status">
                    {' '}
                    not loaded in this page: import its file again
                  </span>
                )}
              </span>
              <span className="queue-buttons">
                <button
                  type="button"
                  className="small"
                  aria-label={`Move ${nameOf(t)} up`}
                  disabled={i === 0}
                  onClick={() => moveAndSay(i, i - 1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="small"
                  aria-label={`Move ${nameOf(t)} down`}
                  disabled={i === tasks.length - 1}
                  onClick={() => moveAndSay(i, i + 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="small"
                  aria-label={`Remove ${nameOf(t)}`}
                  disabled={tasks.length === 1}
                  onClick={() => setTasks((ts) => ts.filter((_, j) => j !== i))}
                >
                  ✕
                </button>
              </span>
            </div>
            <div className="field-row">
              <NumberField
                label="Steps"
                value={t.steps}
                check={(v) => taskFieldProblem('steps', v)}
                onCommit={(steps) => patch(i, { steps })}
                step={1}
                testId={`task-steps-${i}`}
                fullLabel={`Task ${i + 1} steps`}
                className="compact"
              />
              <NumberField
                label="Train examples"
                value={t.trainSize}
                check={(v) => taskFieldProblem('trainSize', v)}
                onCommit={(trainSize) => patch(i, { trainSize })}
                step={1}
                testId={`task-train-${i}`}
                fullLabel={`Task ${i + 1} train examples`}
                className="compact"
              />
              <NumberField
                label="Test examples"
                value={t.testSize}
                check={(v) => taskFieldProblem('testSize', v)}
                onCommit={(testSize) => patch(i, { testSize })}
                step={1}
                testId={`task-test-${i}`}
                fullLabel={`Task ${i + 1} test examples`}
                className="compact"
              />
              <CutShare share={shares[i]} />
            </div>
          </li>
        ))}
      </ol>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      <div className="add-task">
        <div className="field inline">
          <label htmlFor="add-task">Add a built-in task</label>
          <select id="add-task" value={adding} onChange={(e) => setAdding(e.target.value)}>
            {library.map((t) => (
              <option key={t.name} value={t.name}>
                {t.title} ({t.name})
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={!adding || tasks.length >= MAX_TASKS}
            onClick={() => setTasks((ts) => [...ts, taskEntry(adding, { steps: 80, trainSize: 1000, testSize: 50 })])}
          >
            Add
          </button>
        </div>
        {adding && <Preview task={adding} seed={seed} />}
        <AddDataset disabled={tasks.length >= MAX_TASKS} />
      </div>
    </section>
  );
}
