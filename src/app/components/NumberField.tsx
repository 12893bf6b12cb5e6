// A number input that refuses a bad value where it is typed: the message says what is allowed, and nothing is written
// to the spec until the value is acceptable.
import { useEffect, useId, useState } from 'react';
import { setFieldProblem, type FieldScope } from '../fieldProblems';

export interface NumberFieldProps {
  label: string;
  value: number;
  /** Why the value is not acceptable, or null. */
  check(value: number): string | null;
  onCommit(value: number): void;
  testId?: string;
  step?: number | 'any';
  disabled?: boolean;
  className?: string;
  /** What a bad value here keeps from starting (fieldProblems.ts); default 'run'. */
  scope?: FieldScope;
  /** The field's name where the label alone is ambiguous (the run bar lists it): "Task 2 steps". */
  fullLabel?: string;
}

export function NumberField({
  label,
  value,
  check,
  onCommit,
  testId,
  step = 'any',
  disabled,
  className,
  scope = 'run',
  fullLabel = label,
}: NumberFieldProps) {
  const reactId = useId();
  // A readable id: the run bar links to it (useId's own contains colons, awkward in a URL fragment).
  const id = `field-${testId ?? reactId.replace(/[^A-Za-z0-9_-]/g, '')}`;
  const [text, setText] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  // A new value from outside (paper defaults, a loaded spec) replaces the draft.
  useEffect(() => {
    if (text.trim() !== '' && Number(text.trim()) === value) return; // the draft already says it ("0." while typing 0.5)
    setText(String(value));
    setProblem(null);
  }, [value]); // only a new value from outside resets the draft
  // A disabled field does not take part (the what-if knobs of the other rule); a field that goes away takes its problem.
  useEffect(() => {
    setFieldProblem(id, problem && !disabled ? { inputId: id, label: fullLabel, problem, scope } : null);
  }, [id, problem, disabled, fullLabel, scope]);
  useEffect(() => () => setFieldProblem(id, null), [id]);
  const onChange = (t: string) => {
    setText(t);
    const trimmed = t.trim();
    const v = Number(trimmed);
    const why =
      trimmed === ''
        ? 'is empty: enter a number'
        : !Number.isFinite(v)
          ? `must be a number (got "${trimmed}")`
          : check(v);
    setProblem(why);
    if (!why && v !== value) onCommit(v);
  };
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode={step === 'any' ? 'decimal' : 'numeric'}
        value={text}
        disabled={disabled}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? `${id}-err` : undefined}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value)}
      />
      {problem && (
        <p id={`${id}-err`} className="field-error" role="alert">
          {label} {problem}.
        </p>
      )}
    </div>
  );
}
