// The built-in strategies' implementations, in the order tables list them (catalog.ts holds their metadata in the same
// order). Adding one: its metadata in catalog.ts, a file in this folder and an entry here.
import { ewc } from './ewc';
import { kifHard } from './kifHard';
import { kifLora } from './kifLora';
import { kifReplay } from './kifReplay';
import { kifSoft } from './kifSoft';
import { lwf } from './lwf';
import { mtl } from './mtl';
import { olora } from './olora';
import { replay } from './replay';
import { seqft } from './seqft';
import { seqlora } from './seqlora';
import type { StrategyDef } from './types';
import { weightAvg } from './weightAvg';

export const builtinStrategies: readonly StrategyDef[] = [seqft, mtl, ewc, replay, lwf, weightAvg, kifHard, kifSoft, kifReplay, seqlora, kifLora, olora];
