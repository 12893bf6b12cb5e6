// The trained model of each strategy, kept by the host of a run (the app's worker) so the page can export it later as a
// Hugging Face checkpoint. Give `onModel` to runExperiment's hooks; it keeps a host copy of each strategy's model as
// evaluated after its latest task. Copies past `maxBytes` push out the oldest strategy's, so a large model costs at most
// that much memory.
import { writeCheckpoint } from '../io/checkpoint';
import type { T5Config } from '../model/config';
import type { HostTensors } from '../model/init';
import type { ModelAt, ModelSnapshot } from '../experiment/runHooks';

/** What the page receives: the files of a Hugging Face checkpoint folder (tokenizer.json when the run had its own), or why there is none. */
export type ModelExport =
  | { ok: true; strategy: number; task: number; safetensors: Uint8Array; configJson: string; tokenizerJson?: string }
  | { ok: false; error: string };

const bytesOf = (w: HostTensors) => [...w.values()].reduce((a, t) => a + t.data.byteLength, 0);

export class FinalModels {
  private readonly kept = new Map<number, { task: number; config: T5Config; weights: HostTensors }>();
  private readonly dropped = new Set<number>();

  constructor(private readonly maxBytes = 512 * 1024 * 1024) {}

  readonly onModel = async (at: ModelAt, model: ModelSnapshot): Promise<void> => {
    if (at.stage !== 'final') return;
    const weights = await model.exportWeights();
    this.kept.delete(at.strategy); // re-inserted last: the Map's order is the order of the latest updates
    this.kept.set(at.strategy, { task: at.task, config: { ...model.config }, weights });
    let total = [...this.kept.values()].reduce((a, k) => a + bytesOf(k.weights), 0);
    for (const [s, k] of this.kept) {
      if (total <= this.maxBytes || s === at.strategy) break;
      total -= bytesOf(k.weights);
      this.kept.delete(s);
      this.dropped.add(s);
    }
  };

  clear(): void {
    this.kept.clear();
    this.dropped.clear();
  }

  /** `tokenizer`: the tokenizer.json of the run's own tokenizer, written beside the weights. */
  export(strategy: number, tokenizer?: Record<string, unknown>): ModelExport {
    const k = this.kept.get(strategy);
    if (!k) {
      const why = this.dropped.has(strategy)
        ? `its model was not kept: the models of later strategies filled the ${Math.round(this.maxBytes / 2 ** 20)} MiB kept for export`
        : 'there is no trained model for it yet: run the experiment first (the model is kept from the last run in this tab)';
      return { ok: false, error: `Strategy ${strategy + 1}: ${why}.` };
    }
    try {
      const { safetensors, configJson } = writeCheckpoint(k.config, k.weights);
      return {
        ok: true,
        strategy,
        task: k.task,
        safetensors,
        configJson,
        ...(tokenizer ? { tokenizerJson: JSON.stringify(tokenizer) } : {}),
      };
    } catch (e) {
      return {
        ok: false,
        error: `Strategy ${strategy + 1}: the checkpoint could not be written (${e instanceof Error ? e.message : String(e)}).`,
      };
    }
  }
}
