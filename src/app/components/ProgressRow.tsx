// A progress bar, and one running strategy's row of the run bar: its strategy, task, step and loss, and its task's bar.
// The first row carries the testids the specs read; with lanes a second strategy trains beside it on its own row.
import type { ReactNode } from 'react';
import type { RunProgress } from '../../engine/run/state';
import { fmtSeconds } from '../format';

export function Bar({ label, value, testId }: { label: string; value: number; testId?: string }) {
  const pct = Math.round(1000 * Math.min(1, Math.max(0, value))) / 10;
  return (
    <div
      className="progress-bar"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      data-testid={testId}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

interface RowProps {
  p: RunProgress;
  first: boolean;
  strategies: readonly { label: string }[];
  tasks: readonly string[];
  /** Seconds left in this strategy's task (NaN: not known). */
  taskLeft: number;
  /** What this lane does other than training, in place of its time left (the State line cannot say it per lane). */
  doing?: string | null;
  /** Stats before the row's own (the run's state) and bars after its task bar (the whole queue's): the first row's. */
  lead?: ReactNode;
  trail?: ReactNode;
}

export function ProgressRow({ p, first, strategies, tasks, taskLeft, doing, lead, trail }: RowProps) {
  const id = (name: string) => (first ? name : undefined);
  return (
    <>
      <dl className="stats">
        {lead}
        <div>
          <dt>Strategy</dt>
          <dd data-testid={id('progress-strategy')}>
            {p.strategy + 1}/{strategies.length}: {strategies[p.strategy]?.label}
          </dd>
        </div>
        <div>
          <dt>Task</dt>
          <dd data-testid={id('progress-task')}>
            {p.task + 1}/{tasks.length}: {tasks[p.task]}
            {p.phase !== 'train' ? ` (${p.phase})` : ''}
          </dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd data-testid={id('progress-step')}>
            {p.step} / {p.steps}
          </dd>
        </div>
        <div>
          <dt>Loss</dt>
          <dd data-testid={id('progress-loss')}>{Number.isFinite(p.loss) ? p.loss.toFixed(3) : '–'}</dd>
        </div>
      </dl>
      <div className="bars">
        <div>
          <span className="bar-label">
            This task <span className="muted">· {doing ?? `time left ${fmtSeconds(taskLeft)}`}</span>
          </span>
          <Bar
            label={
              first ? 'Progress of the current task' : `Progress of the current task of strategy ${p.strategy + 1}`
            }
            value={p.steps ? p.step / p.steps : 0}
            testId={id('task-progress')}
          />
        </div>
        {trail}
      </div>
    </>
  );
}
