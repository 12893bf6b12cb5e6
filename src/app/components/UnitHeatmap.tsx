// A grid of skill units (rows: layers; columns: modules and their sub-units) coloured by a value per unit. Hovering or
// focusing a cell names the unit and its value below the grid.
import { Fragment, useMemo, useState } from 'react';
import { cellKey, unitGrid } from '../heatmap/unitLayout';

export interface CellLook {
  color: string;
  /** A short mark drawn in the cell (so a case does not rest on colour alone). */
  mark?: string;
  markColor?: string;
  /** What hovering says after the unit's name. */
  describe: string;
  /** Exposed for tests as data-value. */
  value: string;
}

export function UnitHeatmap({ names, look, label, testId }: { names: readonly string[]; look: (unit: string) => CellLook | null; label: string; testId: string }) {
  const grid = useMemo(() => unitGrid(names), [names]);
  const [hover, setHover] = useState<string | null>(null);
  const groupSpans = grid.columns.reduce<{ group: string; n: number }[]>((acc, c) => {
    if (acc.at(-1)?.group === c.group) acc.at(-1)!.n++;
    else acc.push({ group: c.group, n: 1 });
    return acc;
  }, []);
  const hovered = hover ? look(hover) : null;
  return (
    <figure className="unit-heatmap" aria-label={label} data-testid={testId}>
      <div className="heatmap-scroll">
        <div className="heatmap-grid" style={{ gridTemplateColumns: `6.5rem repeat(${grid.columns.length}, minmax(14px, 1fr))` }}>
          <div className="hm-corner" />
          {groupSpans.map((g) => (
            <div key={g.group} className="hm-group" style={{ gridColumn: `span ${g.n}` }}>
              {g.group}
            </div>
          ))}
          <div className="hm-corner" />
          {grid.columns.map((c) => (
            <div key={`${c.group}/${c.sub}`} className="hm-sub" title={`${c.group} ${c.sub}`}>
              {c.sub}
            </div>
          ))}
          {grid.rows.map((row) => (
            <Fragment key={row}>
              <div className="hm-row">{row}</div>
              {grid.columns.map((c) => {
                const unit = grid.cells.get(cellKey(row, c.group, c.sub));
                const l = unit ? look(unit) : null;
                if (!unit || !l) return <div key={`${row}/${c.group}/${c.sub}`} className="hm-cell hm-empty" />;
                return (
                  <div
                    key={unit}
                    className="hm-cell"
                    data-testid="heatmap-cell"
                    data-unit={unit}
                    data-value={l.value}
                    style={{ background: l.color, color: l.markColor }}
                    title={`${unit}: ${l.describe}`}
                    tabIndex={0}
                    onMouseEnter={() => setHover(unit)}
                    onFocus={() => setHover(unit)}
                  >
                    {l.mark}
                  </div>
                );
              })}
            </Fragment>
          ))}
        </div>
      </div>
      <figcaption className="hm-hover" aria-live="polite" data-testid={`${testId}-hover`}>
        {hover && hovered ? (
          <>
            <code>{hover}</code>: {hovered.describe}
          </>
        ) : (
          <span className="muted">Hover a cell to see its unit and value.</span>
        )}
      </figcaption>
    </figure>
  );
}
