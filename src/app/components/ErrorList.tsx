// Errors from the worker or the page, each dismissible; the page keeps working around them.
import { dismissError, useTrainerStore } from '../trainerStore';

export function ErrorList() {
  const errors = useTrainerStore((s) => s.errors);
  if (errors.length === 0) return null;
  return (
    <ul className="errors" aria-label="Errors">
      {errors.map((e) => (
        <li key={e.id} role="alert">
          <span aria-hidden="true">✖ </span>
          <span className="error-text">{e.text}</span>
          <button type="button" className="link" onClick={() => dismissError(e.id)} aria-label="Dismiss this error">
            Dismiss
          </button>
        </li>
      ))}
    </ul>
  );
}
