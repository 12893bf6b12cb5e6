// The importance heatmap's view selector and the line that says which view is shown and why raw means show norms.
import { importanceViewInfo, importanceViewNames, type ImportanceView } from '../../engine/kif/importanceViews';

/** `chosen` is the user's view; `view` the one shown (normalised when the chosen one cannot be computed here). */
export function ImportanceViewPicker({
  chosen,
  view,
  onChange,
}: {
  chosen: ImportanceView;
  view: ImportanceView;
  onChange: (v: ImportanceView) => void;
}) {
  return (
    <div className="importance-view">
      <div className="field inline">
        <label htmlFor="importance-view">View</label>
        <select
          id="importance-view"
          data-testid="importance-view"
          value={chosen}
          onChange={(e) => onChange(e.target.value as ImportanceView)}
        >
          {importanceViewNames.map((v) => (
            <option key={v} value={v}>
              {importanceViewInfo[v].label}
            </option>
          ))}
        </select>
      </div>
      <p className="muted" data-testid="importance-view-note">
        {chosen !== view && (
          <>
            The {importanceViewInfo[chosen].label} view needs this task and at least one other finished task;
            showing{' '}
          </>
        )}
        <strong>{importanceViewInfo[view].label}</strong>: {importanceViewInfo[view].meaning}.{' '}
        {view === 'raw'
          ? 'Layer norms dominate raw means: a norm weight scales a whole activation vector, so each of its few elements gets a large |w·g|, while most of the thousands of weights in a head or FFN block matter little and pull its mean down.'
          : 'Raw means are dominated by the layer norms (few elements, each scaling a whole activation vector); comparing each unit with its own kind shows which heads and FFN blocks a task relies on.'}
      </p>
    </div>
  );
}
