// The rules of the page's one list of notices: a notice already shown is not shown twice (it moves to the end), a
// newer piece of news replaces the older one (only problems stay until dismissed), and at most a few problems stay.

export interface Notice {
  kind: 'info' | 'error';
  text: string;
}

export const MAX_ERRORS = 3;

export function addNotice<N extends Notice>(list: readonly N[], notice: N): N[] {
  const others = list.filter((n) => n.text !== notice.text && (notice.kind === 'error' || n.kind === 'error'));
  const next = [...others, notice];
  const errors = next.filter((n) => n.kind === 'error');
  const drop = new Set(errors.slice(0, Math.max(0, errors.length - MAX_ERRORS)));
  return next.filter((n) => !drop.has(n));
}
