// An edited experiment is no longer the one its name names ("Forgetting in a minute" with other tasks): it is called
// "… (edited)" until the user gives it a name of their own (renaming sets the name directly, not through an edit).

export const EDITED = ' (edited)';

export function editedName<S extends { name?: string }>(before: S, after: S): S {
  const name = after.name;
  if (!name || name !== before.name || name.endsWith(EDITED)) return after;
  return { ...after, name: `${name.slice(0, 200 - EDITED.length)}${EDITED}` };
}
