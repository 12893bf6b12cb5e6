// The page's half of 'export-model': each request gets an id, and the worker's 'model-export' answer settles it.
import type { ModelExport } from '../../engine/export/finalModels';
import type { TrainerCommand } from '../../worker/protocol';

const pending = new Map<number, (r: ModelExport) => void>();
let nextId = 1;
/** A worker that was restarted or crashed never answers; the request then fails with a message. */
const ANSWER_MS = 60_000;

export function requestModelExport(send: (cmd: TrainerCommand) => void, strategy: number): Promise<ModelExport> {
  const id = nextId++;
  return new Promise((resolve) => {
    const timer = setTimeout(
      () =>
        settle({
          ok: false,
          error: 'The training worker did not answer; restart it, run the experiment again, then export.',
        }),
      ANSWER_MS,
    );
    const settle = (r: ModelExport) => {
      clearTimeout(timer);
      pending.delete(id);
      resolve(r);
    };
    pending.set(id, settle);
    send({ type: 'export-model', id, strategy });
  });
}

export function onModelExport(ev: { id: number; result: ModelExport }): void {
  pending.get(ev.id)?.(ev.result);
}
