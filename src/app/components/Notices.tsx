// The page's one place for messages, under the header (so they never push the header about): the worker's and the
// page's errors, then what sharing, importing and opening links report. Each is dismissible; new ones are announced.
import { useShareStore } from '../services/shareStore';
import { ErrorList } from './ErrorList';

export function Notices() {
  const notices = useShareStore((s) => s.notices);
  return (
    <div className="notices" role="region" aria-label="Notices">
      <ErrorList />
      <div aria-live="polite">
        {notices.length > 0 && (
          <ul className="share-notices" data-testid="share-notices">
            {notices.map((n, i) => (
              <li key={`${n.kind}:${n.text}`} className={n.kind}>
                <span>{n.text}</span>
                {n.action && (
                  <button className="notice-action" onClick={n.action.run} data-testid="notice-action">
                    {n.action.label}
                  </button>
                )}
                <button
                  className="link"
                  onClick={() => useShareStore.setState((s) => ({ notices: s.notices.filter((_, j) => j !== i) }))}
                  aria-label="Dismiss this notice"
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
