// The built-in strategies' implementations, in the order of catalog.ts's strategyCatalog (the one place that order is
// written). Adding one: its metadata in catalog.ts, a file in this folder and an entry here.
import { strategyCatalog } from './catalog';
import { dare } from './dare';
import { ewc } from './ewc';
import { fisherMerge } from './fisherMerge';
import { kifHard } from './kifHard';
import { kifLora } from './kifLora';
import { kifReplay } from './kifReplay';
import { kifSoft } from './kifSoft';
import { lwf } from './lwf';
import { magmax } from './magmax';
import { mtl } from './mtl';
import { olora } from './olora';
import { replay } from './replay';
import { seqft } from './seqft';
import { seqlora } from './seqlora';
import { taskArithmetic } from './taskArithmetic';
import { ties } from './ties';
import type { StrategyDef } from './types';
import { weightAvg } from './weightAvg';

const implementations = new Map(
  [
    dare,
    ewc,
    fisherMerge,
    kifHard,
    kifLora,
    kifReplay,
    kifSoft,
    lwf,
    magmax,
    mtl,
    olora,
    replay,
    seqft,
    seqlora,
    taskArithmetic,
    ties,
    weightAvg,
  ].map((d) => [d.name, d]),
);

export const builtinStrategies: readonly StrategyDef[] = strategyCatalog.map((info) => {
  const def = implementations.get(info.name);
  if (!def) throw new Error(`strategy "${info.name}" is in the catalog but has no implementation in builtin.ts`);
  return def;
});
if (builtinStrategies.length !== implementations.size)
  throw new Error('builtin.ts implements a strategy the catalog does not list');
