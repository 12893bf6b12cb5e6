// Checks of what users type, with messages that say what is wrong and what is allowed.
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseWholeNumber(text: string, label: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  const range = `a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`;
  if (t === '') return { ok: false, message: `${label} is empty: enter ${range}.` };
  if (!/^[+]?\d+$/.test(t)) return { ok: false, message: `${label} must be ${range} (got "${t}").` };
  const value = Number(t);
  if (value < min || value > max) return { ok: false, message: `${label} must be ${range} (got ${t}).` };
  return { ok: true, value };
}
