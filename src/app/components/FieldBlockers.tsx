// What keeps a button off because a field holds a bad value: each field named, why, and a link that focuses it.
import { useShallow } from 'zustand/react/shallow';
import { problemsOf, useFieldProblems, type FieldScope } from '../fieldProblems';

export function FieldBlockers({ scope, action, testId }: { scope: FieldScope; action: string; testId: string }) {
  const problems = useFieldProblems(useShallow((s) => problemsOf(s, scope)));
  if (problems.length === 0) return null;
  const focus = (id: string) => {
    const el = document.getElementById(id);
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  };
  return (
    <div className="field-blockers" role="status" aria-live="polite" data-testid={testId}>
      <strong>{action} is off</strong> until {problems.length === 1 ? 'this field is' : 'these fields are'} fixed:
      <ul>
        {problems.map((p) => (
          <li key={p.inputId}>
            <a
              href={`#${p.inputId}`}
              onClick={(e) => {
                e.preventDefault();
                focus(p.inputId);
              }}
            >
              {p.label}
            </a>
            : {p.problem}.
          </li>
        ))}
      </ul>
    </div>
  );
}
