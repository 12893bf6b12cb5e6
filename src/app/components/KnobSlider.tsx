// A what-if knob as a slider beside its number field: the paper's value marked on the track and named, and the knob's
// meaning in one line. The number field keeps the checks (a bad value is refused where it is typed).
import { useId } from 'react';
import type { KnobDef } from '../../engine/strategies/knobs';
import { knobProblem } from '../../engine/strategies/knobs';
import { NumberField } from './NumberField';

type NumberKnob = Extract<KnobDef, { kind: 'number' }>;

/** The value marked on the track: the paper's where the table names one, else the default. */
const markOf = (def: NumberKnob) =>
  typeof def.paper === 'number' ? { value: def.paper, word: 'paper' } : { value: def.default, word: 'default' };

/** The slider's span: the knob's bounds, narrowed to 4× the marked value where the bounds are far wider (τ up to 100). */
export function sliderSpan(def: NumberKnob): { min: number; max: number; step: number } {
  const { min } = def;
  const paper = markOf(def).value;
  const max = paper <= 0 || def.max <= 10 * paper ? def.max : Math.max(min, 4 * paper);
  return { min, max, step: (max - min) / 100 };
}

export function KnobSlider({
  name,
  label,
  def,
  value,
  onCommit,
}: {
  name: string;
  label: string;
  def: NumberKnob;
  value: number;
  onCommit(v: number): void;
}) {
  const ticks = useId();
  const span = sliderSpan(def);
  const mark = markOf(def);
  return (
    <div className="knob-slider" data-testid={`whatif-knob-${name}`}>
      <NumberField
        label={label}
        value={value}
        check={(v) => knobProblem(def, v)}
        onCommit={onCommit}
        testId={`whatif-${name}`}
        className="compact"
        scope="whatif"
      />
      <input
        type="range"
        aria-label={`${label} slider`}
        data-testid={`whatif-${name}-slider`}
        min={span.min}
        max={span.max}
        step={span.step}
        value={Math.min(span.max, Math.max(span.min, value))}
        list={ticks}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (knobProblem(def, v) === null) onCommit(Number(v.toPrecision(4)));
        }}
      />
      <datalist id={ticks}>
        <option value={mark.value} label={mark.word} />
      </datalist>
      <p className="knob-help">
        <span data-testid={`whatif-${name}-paper`}>
          {mark.word}: {mark.value}
        </span>
        {value !== mark.value ? ' (changed)' : ''} · {def.help}
      </p>
    </div>
  );
}
