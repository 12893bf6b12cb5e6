// A few held-out examples with the model's answer, marked right or wrong by symbol as well as colour.
import { useTrainerStore } from '../trainerStore';

export function Samples() {
  const samples = useTrainerStore((s) => s.lastEval?.samples);
  if (!samples || samples.length === 0) return null;
  return (
    <table className="samples" data-testid="samples">
      <caption>Sample predictions</caption>
      <thead>
        <tr>
          <th scope="col">Input</th>
          <th scope="col">Expected</th>
          <th scope="col">Model output</th>
        </tr>
      </thead>
      <tbody>
        {samples.map((s, i) => {
          const right = s.output.trim() === s.expected.trim();
          return (
            <tr key={i}>
              <td><code>{s.input}</code></td>
              <td><code>{s.expected}</code></td>
              <td className={right ? 'right' : 'wrong'}>
                <span className="mark" aria-label={right ? 'correct' : 'wrong'}>{right ? '✓' : '✗'}</span>{' '}
                {s.output === '' ? <span className="muted">(empty)</span> : <code>{s.output}</code>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
