// Where an arrow key moves the focus in a heatmap whose rows may have different lengths (layers without some units):
// Up and Down keep the position in the row as near as the other row allows; Home and End go to the row's ends.

/** The unit the focus moves to from `from` on `key`, or null when the key does not move it. */
export function moveFocus(rows: readonly (readonly string[])[], from: string, key: string): string | null {
  const r = rows.findIndex((row) => row.includes(from));
  if (r < 0) return null;
  const c = rows[r].indexOf(from);
  const filled = rows.map((row, i) => ({ row, i })).filter(({ row }) => row.length > 0);
  const at = filled.findIndex(({ i }) => i === r);
  const vertical = (step: number) => {
    const next = filled[at + step];
    return next ? next.row[Math.min(c, next.row.length - 1)] : null;
  };
  switch (key) {
    case 'ArrowRight':
      return rows[r][c + 1] ?? null;
    case 'ArrowLeft':
      return c > 0 ? rows[r][c - 1] : null;
    case 'ArrowDown':
      return vertical(1);
    case 'ArrowUp':
      return vertical(-1);
    case 'Home':
      return rows[r][0];
    case 'End':
      return rows[r].at(-1)!;
    default:
      return null;
  }
}
