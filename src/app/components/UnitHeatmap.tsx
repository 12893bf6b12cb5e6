// A grid of skill units (rows: layers; columns: modules and their sub-units) coloured by a value per unit. Hovering or
// focusing a cell names the unit and its value below the grid. The grid is one tab stop: arrow keys, Home and End move
// between cells (roving focus); cells cut off by the inner scroll are counted beside it.
import { Fragment, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { unitLegend } from '../../engine/kif/unitKindRegistry';
import type { UnitTable } from '../../engine/kif/units';
import { cellKey, unitGrid } from '../heatmap/unitLayout';
import { moveFocus } from '../heatmap/gridKeys';
import { useHiddenCells } from '../heatmap/useHiddenCells';

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

export function UnitHeatmap({
  units,
  look,
  label,
  testId,
  legend,
}: {
  units: UnitTable;
  look: (unit: string) => CellLook | null;
  label: string;
  testId: string;
  /** The colour key, inside the figure so an exported picture carries it. */
  legend?: ReactNode;
}) {
  const grid = useMemo(() => unitGrid(units), [units]);
  const [hover, setHover] = useState<string | null>(null);
  const [focused, setFocused] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const hidden = useHiddenCells(scroller, units.names);
  // Rows of the units that have a look, in screen order: what the arrow keys walk.
  const rows = grid.rows.map((row) =>
    grid.columns
      .map((c) => grid.cells.get(cellKey(row, c.group, c.sub)))
      .filter((u): u is string => !!u && look(u) !== null),
  );
  const stop = focused && rows.some((r) => r.includes(focused)) ? focused : rows.find((r) => r.length)?.[0];
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const from = (e.target as HTMLElement).dataset.unit;
    const to = from ? moveFocus(rows, from, e.key) : null;
    if (!to) return;
    e.preventDefault();
    setFocused(to);
    scroller.current?.querySelector<HTMLElement>(`[data-unit="${CSS.escape(to)}"]`)?.focus();
  };
  const groupSpans = grid.columns.reduce<{ group: string; n: number }[]>((acc, c) => {
    if (acc.at(-1)?.group === c.group) acc.at(-1)!.n++;
    else acc.push({ group: c.group, n: 1 });
    return acc;
  }, []);
  const hovered = hover ? look(hover) : null;
  const kinds = [...new Set(grid.columns.map((c) => c.shape))].map((shape) => ({ shape, ...unitLegend(shape) }));
  return (
    <figure className="unit-heatmap" aria-label={label} data-testid={testId}>
      <div className="heatmap-scroll" ref={scroller}>
        <div
          className="heatmap-grid"
          role="group"
          aria-label={`${label}: arrow keys move between units`}
          onKeyDown={onKey}
          style={{ gridTemplateColumns: `6.5rem repeat(${grid.columns.length}, minmax(14px, 1fr))` }}
        >
          <div className="hm-corner" />
          {groupSpans.map((g) => (
            <div key={g.group} className="hm-group" style={{ gridColumn: `span ${g.n}` }}>
              {g.group}
            </div>
          ))}
          <div className="hm-corner hm-kind-label">kind</div>
          {grid.columns.map((c) => {
            const k = unitLegend(c.shape);
            return (
              <div
                key={`${c.group}/${c.sub}`}
                className="hm-kind"
                style={{ color: k.colour }}
                title={k.label}
                data-testid="heatmap-kind"
                data-kind={c.shape}
                aria-hidden="true"
              >
                {k.marker}
              </div>
            );
          })}
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
                    role="img"
                    aria-label={`${unit}: ${l.describe}`}
                    tabIndex={unit === stop ? 0 : -1}
                    onMouseEnter={() => setHover(unit)}
                    onFocus={() => {
                      setHover(unit);
                      setFocused(unit);
                    }}
                  >
                    {l.mark}
                  </div>
                );
              })}
            </Fragment>
          ))}
        </div>
      </div>
      <p className="kind-legend" data-testid={`${testId}-kinds`}>
        <span>Unit kinds:</span>
        {kinds.map((k) => (
          <span key={k.shape} data-kind={k.shape}>
            <span className="kind-mark" style={{ color: k.colour }} aria-hidden="true">
              {k.marker}
            </span>{' '}
            {k.label}
          </span>
        ))}
      </p>
      {legend}
      {hidden > 0 && (
        <p className="hm-more" data-ui-hint data-testid={`${testId}-hidden`}>
          <span aria-hidden="true">⇆ </span>
          {hidden} of {units.names.length} cells are out of view: scroll the map sideways (or use the arrow keys).
        </p>
      )}
      <figcaption className="hm-hover" aria-live="polite" data-testid={`${testId}-hover`}>
        {hover && hovered ? (
          <>
            <code>{hover}</code>: {hovered.describe}
          </>
        ) : (
          <span className="muted" data-ui-hint>
            Hover a cell, or tab to the map and use the arrow keys, to see its unit and value.
          </span>
        )}
      </figcaption>
    </figure>
  );
}
