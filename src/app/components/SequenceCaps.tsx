// The input and output caps (training.maxInputLen / maxOutputLen) where the tasks are, with the share of each task's
// examples they cut, counted with the tokenizer the run will use (an imported checkpoint's own, else bytes).
import { useEffect, useMemo, useState } from 'react';
import { cutShares } from '../../engine/experiment/cutShares';
import { specFieldProblem, type TrainingSpec } from '../../engine/spec/experiment';
import { createByteTokenizer } from '../../engine/tokenizers/byteTokenizer';
import type { Tokenizer } from '../../engine/tokenizers/tokenizer';
import { updateSpec, useExperimentStore } from '../experimentStore';
import { useImportedStore } from '../importedStore';
import { runInputsFor } from '../runInputs';
import { NumberField } from './NumberField';

const setTraining = (p: Partial<TrainingSpec>) => updateSpec((s) => ({ ...s, training: { ...s.training, ...p } }));
const pct = (x: number) => `${Math.round(100 * x)}%`;
const byte = createByteTokenizer();

/** The run's tokenizer; a checkpoint's own is built in a chunk of its own, loaded only when one is in use. */
function useRunTokenizer(): Tokenizer {
  const spec = useExperimentStore((s) => s.spec);
  const checkpoints = useImportedStore((s) => s.checkpoints);
  const own = useMemo(() => runInputsFor(spec).inputs.base?.tokenizer, [spec, checkpoints]);
  const [tok, setTok] = useState<Tokenizer>(byte);
  useEffect(() => {
    let live = true;
    if (!own || own.kind === 'byte') setTok(byte);
    else
      void import('../../engine/tokenizers/runTokenizer').then(
        (m) => live && setTok(m.buildRunTokenizer(own).tokenizer),
      );
    return () => {
      live = false;
    };
  }, [own]);
  return tok;
}

/** Per task: "inputs cut 37%, outputs cut 0%", or why it cannot be counted. */
export function useCutShares() {
  const spec = useExperimentStore((s) => s.spec);
  const datasets = useImportedStore((s) => s.datasets);
  const tok = useRunTokenizer();
  return { tok, shares: useMemo(() => cutShares(spec, datasets, tok), [spec, datasets, tok]) };
}

export function CutShare({ share }: { share: ReturnType<typeof cutShares>[number] }) {
  if (!share) return null;
  const cut = share.inputs > 0 || share.outputs > 0;
  return (
    <span className={cut ? 'cut-share warn' : 'cut-share muted'} data-testid="cut-share">
      caps cut {pct(share.inputs)} of inputs, {pct(share.outputs)} of outputs
    </span>
  );
}

export function SequenceCaps({ tokenizer }: { tokenizer: Tokenizer }) {
  const training = useExperimentStore((s) => s.spec.training);
  return (
    <div className="field-row caps" data-testid="sequence-caps">
      <NumberField
        label="Input cap (tokens)"
        value={training.maxInputLen}
        check={(v) => specFieldProblem('maxInputLen', v)}
        onCommit={(maxInputLen) => setTraining({ maxInputLen })}
        step={1}
        testId="max-input-len"
        className="compact"
      />
      <NumberField
        label="Output cap (tokens)"
        value={training.maxOutputLen}
        check={(v) => specFieldProblem('maxOutputLen', v)}
        onCommit={(maxOutputLen) => setTraining({ maxOutputLen })}
        step={1}
        testId="max-output-len"
        className="compact"
      />
      <p className="hint">
        Counted with the {tokenizer.name === 'byte' ? 'byte' : `checkpoint's own (${tokenizer.name})`} tokenizer. An
        input over the cap keeps its answer cue and the head and end of its text; a byte model drops the instruction
        every input shares.
      </p>
    </div>
  );
}
