import { describe, expect, it } from 'vitest';
import { editedName } from '../src/app/editedName';

describe('editedName', () => {
  it('marks an edit of a named experiment once', () => {
    const a = { name: 'Forgetting in a minute', seed: 0 };
    const b = editedName(a, { ...a, seed: 1 });
    expect(b).toEqual({ name: 'Forgetting in a minute (edited)', seed: 1 });
    expect(editedName(b, { ...b, seed: 2 }).name).toBe('Forgetting in a minute (edited)');
  });

  it('leaves a rename and an unnamed experiment alone', () => {
    expect(editedName({ name: 'A' }, { name: 'My own' }).name).toBe('My own');
    expect(editedName({ seed: 0 } as { name?: string; seed: number }, { seed: 1 }).name).toBeUndefined();
  });
});
