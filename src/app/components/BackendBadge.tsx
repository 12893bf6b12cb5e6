// The active backend, always visible in the header.
import { useTrainerStore } from '../trainerStore';

export function BackendBadge() {
  const backend = useTrainerStore((s) => s.backend);
  const worker = useTrainerStore((s) => s.worker);
  const switching = useTrainerStore((s) => s.switching);
  let text = backend ? backend.name : 'loading…';
  if (worker === 'crashed') text = 'worker stopped';
  else if (switching && backend) text = `${backend.name} → switching…`;
  return (
    <p className="badge" aria-live="polite">
      Backend: <strong data-testid="backend-badge">{text}</strong>
      {backend && backend.fallbacks.length > 0 && <span title="some backends failed; see Compute backend"> ⚠</span>}
    </p>
  );
}
