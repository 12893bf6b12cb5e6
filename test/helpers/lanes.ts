// What the lanes tests share: a results document without what a clock measured, and a lane host that counts the
// lanes it opened and closed.
import type { LaneHost } from '../../src/engine/experiment/laneProtocol';
import type { ResultsDocument } from '../../src/engine/experiment/results';

/** The document without what a clock measured. */
export const untimed = (doc: ResultsDocument) =>
  JSON.parse(
    JSON.stringify({ ...doc, timings: null, strategies: doc.strategies.map((s) => ({ ...s, timings: null })) }),
  );

/** A host that counts the lanes it opened and closed. */
export function counted(host: LaneHost) {
  const seen = { opened: 0, closed: 0 };
  const wrapped: LaneHost = {
    count: host.count,
    open: () => {
      const w = host.open();
      seen.opened++;
      return { ...w, close: () => (seen.closed++, w.close()) };
    },
  };
  return { host: wrapped, seen };
}
