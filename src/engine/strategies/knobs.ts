// Strategy knobs: each declares its type, bounds and default, so the UI can draw a control and every value a user
// types (in the app, a spec file or a share link) is checked with a message naming the knob.

export type KnobValue = number | string | boolean;

interface KnobBase {
  /** One line for the UI and the CLI's --help. */
  help: string;
  /** The value the source paper uses, where it names one (the default may differ, e.g. for a small model). */
  paper?: KnobValue;
  /** Its short name on the page, e.g. "γ (gamma)" (absent: the knob's own name). */
  label?: string;
  /** Its CLI flag without the dashes (absent: the knob's own name). */
  flag?: string;
}

export type KnobDef =
  | (KnobBase & {
      kind: 'number';
      default: number;
      min: number;
      max: number;
      /** true: min itself is refused. */
      aboveMin?: boolean;
      /** true: max itself is refused. */
      belowMax?: boolean;
    })
  | (KnobBase & { kind: 'int'; default: number; min: number; max: number })
  | (KnobBase & { kind: 'choice'; default: string; options: readonly string[] })
  | (KnobBase & { kind: 'boolean'; default: boolean });

export type KnobDefs = Readonly<Record<string, KnobDef>>;

/** The knob values a strategy runs with: every declared knob, defaults filled in. */
export type Knobs = Record<string, KnobValue>;

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

type KnobCheck<K extends KnobDef['kind']> = (def: Extract<KnobDef, { kind: K }>, value: unknown) => string | null;

const knobChecks: { [K in KnobDef['kind']]: KnobCheck<K> } = {
  number: (d, v) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (d.aboveMin ? v > d.min : v >= d.min) &&
    (d.belowMax ? v < d.max : v <= d.max)
      ? null
      : `must be a number ${d.aboveMin ? 'above' : 'from'} ${d.min} ${d.belowMax ? 'and below' : d.aboveMin ? 'and at most' : 'to'} ${d.max} (got ${shown(v)})`,
  int: (d, v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= d.min && v <= d.max
      ? null
      : `must be an integer from ${d.min} to ${d.max} (got ${shown(v)})`,
  choice: (d, v) =>
    typeof v === 'string' && d.options.includes(v)
      ? null
      : `must be one of ${d.options.map((o) => `"${o}"`).join(', ')} (got ${shown(v)})`,
  boolean: (_d, v) => (typeof v === 'boolean' ? null : `must be true or false (got ${shown(v)})`),
};

/** The knob's short name on the page. */
export const knobLabel = (name: string, def: KnobDef): string => def.label ?? name;

/** The paper's value where it names one that differs from the default ('' otherwise), for help texts. */
export const paperNote = (def: KnobDef): string =>
  def.paper !== undefined && def.paper !== def.default ? `paper ${String(def.paper)}` : '';

/** The knobs whose paper value differs from their default, set to the paper's value ("paper defaults"). */
export const paperKnobs = (defs: KnobDefs): Knobs =>
  Object.fromEntries(Object.entries(defs).flatMap(([k, d]) => (paperNote(d) ? [[k, d.paper!]] : [])));

/** Why `value` is not acceptable for `def`, or null when it is. */
export const knobProblem = (def: KnobDef, value: unknown): string | null =>
  (knobChecks[def.kind] as KnobCheck<KnobDef['kind']>)(def as never, value);

/** Fills defaults and checks every given value; problems are `<knob>: <what is wrong>`. */
export function resolveKnobs(
  defs: KnobDefs,
  given: Readonly<Record<string, KnobValue>>,
): { knobs: Knobs; problems: string[] } {
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(defs, name)) {
      const known = Object.keys(defs);
      problems.push(
        `${name}: unknown knob${known.length ? `; knobs: ${known.join(', ')}` : ' (this strategy has none)'}`,
      );
    }
  }
  const knobs: Knobs = {};
  for (const [name, def] of Object.entries(defs)) {
    const value = Object.hasOwn(given, name) ? given[name] : def.default;
    const problem = knobProblem(def, value);
    if (problem) problems.push(`${name}: ${problem}`);
    knobs[name] = value;
  }
  return { knobs, problems };
}

/** Typed readers for resolved knobs (resolveKnobs has already checked the types). */
export const num = (k: Knobs, name: string) => k[name] as number;
export const str = (k: Knobs, name: string) => k[name] as string;
export const bool = (k: Knobs, name: string) => k[name] as boolean;
