// The legend of the four fusion cases with how many units fell in each: under the fusion map, and in the what-if panel.
import type { FusionCase } from '../../engine/kif/fusion';
import { caseStyles } from '../heatmap/colors';

interface Props {
  counts: Partial<Record<FusionCase, number>>;
  testId: string;
  /** The case's id ("shared") instead of its description, where space is short. */
  short?: boolean;
}

export function FusionCaseLegend({ counts, testId, short = false }: Props) {
  return (
    <ul className="case-legend" data-testid={testId}>
      {(Object.keys(caseStyles) as FusionCase[]).map((c) => (
        <li key={c}>
          <span className="swatch" style={{ background: caseStyles[c].color, color: caseStyles[c].text }}>
            {caseStyles[c].mark}
          </span>
          {short ? c : caseStyles[c].label}: <strong data-testid={`${testId}-${c}`}>{counts[c] ?? 0}</strong>
        </li>
      ))}
    </ul>
  );
}
