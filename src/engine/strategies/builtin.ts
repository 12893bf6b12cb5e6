// The built-in strategies, in the order tables list them. Adding one: a file in this folder and an entry here.
import { ewc } from './ewc';
import { kifHard } from './kifHard';
import { kifReplay } from './kifReplay';
import { kifSoft } from './kifSoft';
import { lwf } from './lwf';
import { mtl } from './mtl';
import { replay } from './replay';
import { seqft } from './seqft';
import type { StrategyDef } from './types';
import { weightAvg } from './weightAvg';

export const builtinStrategies: readonly StrategyDef[] = [seqft, mtl, ewc, replay, lwf, weightAvg, kifHard, kifSoft, kifReplay];
