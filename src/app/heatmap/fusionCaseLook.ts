// A fusion map's cell for a unit the rule put in a case (shared, kept, taken, averaged): the case's colour, mark and
// words, with the earlier model's weight. The fusion map and the what-if map draw cases alike.
import type { FusionCase } from '../../engine/kif/fusion';
import type { CellLook } from '../components/UnitHeatmap';
import { caseStyles } from './colors';

export const fusionCaseLook = (c: FusionCase, prevWeight: number): CellLook => ({
  color: caseStyles[c].color,
  mark: caseStyles[c].mark,
  markColor: caseStyles[c].text,
  describe: `${caseStyles[c].label}; weight of the earlier model ${prevWeight.toFixed(2)}`,
  value: c,
});
