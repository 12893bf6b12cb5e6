// The card of an imported (or about to be imported) dataset: source, records used and skipped, label distribution and
// the best constant answer's score, length percentiles in the active tokenizer's tokens, and what the current caps cut.
import { useMemo } from 'react';
import { datasetCard, type CardInput } from '../../engine/data/datasetCard';
import { createByteTokenizer } from '../../engine/tokenizers/byteTokenizer';
import { useExperimentStore } from '../experimentStore';

// Runs use the byte tokenizer (runner.ts), so the card counts its tokens.
const tok = createByteTokenizer();
const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : '–');

export function DatasetCardView({ data, testId = 'dataset-card' }: { data: CardInput; testId?: string }) {
  const maxInputLen = useExperimentStore((s) => s.spec.training.maxInputLen);
  const maxOutputLen = useExperimentStore((s) => s.spec.training.maxOutputLen);
  const card = useMemo(() => datasetCard(data, tok, { maxInputLen, maxOutputLen }), [data, maxInputLen, maxOutputLen]);
  const total = card.train + card.test;
  const p = card.provenance;
  return (
    <dl className="dataset-card" data-testid={testId}>
      {p && (
        <>
          <dt>Source</dt>
          <dd>{p.source}</dd>
          <dt>Records</dt>
          <dd data-testid="card-records">
            {p.records - p.skipped} used of {p.records}
            {p.skipped ? `, ${p.skipped} skipped (${p.skippedWhy})` : ', none skipped'}
          </dd>
        </>
      )}
      <dt>Split</dt>
      <dd>
        {card.train} train, {card.test} test
      </dd>
      <dt>Outputs</dt>
      <dd data-testid="card-labels">
        {card.distinctOutputs} distinct
        {card.distinctOutputs <= 20 && `: ${card.labels.map((l) => `${l.output} ${pct(l.count, total)}`).join(', ')}`}
      </dd>
      <dt>Best constant answer</dt>
      <dd data-testid="card-constant">
        “{card.constant.answer}” scores {card.constant.score.toFixed(1)}% ({card.scorer}) on the test split: the floor
        to beat
      </dd>
      <dt>Length ({card.tokenizer} tokens)</dt>
      <dd data-testid="card-lengths">
        inputs p50 {card.inputTokens.p50} · p90 {card.inputTokens.p90} · p99 {card.inputTokens.p99} · max{' '}
        {card.inputTokens.max}; outputs p50 {card.outputTokens.p50} · p90 {card.outputTokens.p90} · max{' '}
        {card.outputTokens.max}
      </dd>
      <dt>Cut by the caps</dt>
      <dd data-testid="card-truncated" className={card.truncatedInputs || card.truncatedOutputs ? 'warn' : undefined}>
        {card.truncatedInputs} of {total} inputs over {card.caps.maxInputLen} tokens ({pct(card.truncatedInputs, total)}
        ); {card.truncatedOutputs} outputs over {card.caps.maxOutputLen}
      </dd>
    </dl>
  );
}
