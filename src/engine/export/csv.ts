// CSV text (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled, lines end with CRLF.
// A text field that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe; numbers never.
export type Cell = string | number | boolean | null | undefined;

const formulaStart = /^[=+\-@\t\r]/;

function field(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  if (typeof v === 'string' && formulaStart.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const toCsv = (header: readonly string[], rows: readonly (readonly Cell[])[]): string =>
  [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
