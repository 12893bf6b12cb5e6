// Fields whose text is not a valid value right now. A NumberField keeps a bad draft to itself (the spec keeps the
// last valid value), so without this the page would run on a value it does not show: every field reports its problem
// here, and Run, Step and the what-if recompute stay off while any field of their scope has one.
import { create } from 'zustand';

/** 'run': a field of the experiment (Run, Step, Resume); 'whatif': a what-if knob (its recompute). */
export type FieldScope = 'run' | 'whatif';

export interface FieldProblem {
  /** The field's input element id, for the link that focuses it. */
  inputId: string;
  label: string;
  /** "must be a number above 0 and at most 1 (got 5)". */
  problem: string;
  scope: FieldScope;
}

interface FieldProblemsState {
  byInput: Record<string, FieldProblem>;
}

export const useFieldProblems = create<FieldProblemsState>()(() => ({ byInput: {} }));

/** Sets (or with null clears) the problem of one field. */
export function setFieldProblem(inputId: string, problem: FieldProblem | null): void {
  useFieldProblems.setState((s) => {
    if (!problem && !(inputId in s.byInput)) return s;
    const byInput = { ...s.byInput };
    if (problem) byInput[inputId] = problem;
    else delete byInput[inputId];
    return { byInput };
  });
}

/** The problems of one scope, in the order the fields reported them. */
export const problemsOf = (s: FieldProblemsState, scope: FieldScope) =>
  Object.values(s.byInput).filter((p) => p.scope === scope);
