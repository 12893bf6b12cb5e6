// The share bar of the page header: copy a link to the experiment (with or without its results), export files, import
// files or URLs (their messages go to the page's notices). Starts the URL ↔ experiment sync.
import { lazy, Suspense, useEffect } from 'react';
import { shareWithResults, specFragment } from '../../../engine/share/shareLink';
import { useExperimentStore } from '../../experimentStore';
import { startLinkSync, urlWith } from '../../persist/linkSync';
import { trainer } from '../../trainerClient';
import { linkSpec } from './checkpointLink';
import { ExportMenu, saveResultsFile } from './ExportMenu';
import { usePendingImports } from './pendingImports';
import { notify, useShareStore } from '../../services/shareStore';
import './share.css';

// The readers of checkpoints and datasets load only when the Import menu is opened.
const ImportPanel = lazy(() => import('./ImportPanel'));
const ImportPreview = lazy(() => import('./ImportPreview'));

async function copy(link: string, what: string, caveat?: string): Promise<void> {
  useShareStore.setState({ lastLink: link });
  const after = caveat ? ` ${caveat}` : '';
  try {
    await navigator.clipboard.writeText(link);
    notify('info', `Copied the link to ${what} (${link.length.toLocaleString('en')} characters).${after}`);
  } catch {
    notify('info', `The browser did not allow copying: copy the link to ${what} from the box below.${after}`);
  }
}

async function copyWithResults(): Promise<void> {
  const { spec, results } = useExperimentStore.getState();
  if (!results) return;
  const linked = await linkSpec(spec);
  const share = shareWithResults(linked.spec, results);
  if (share.ok) return void copy(urlWith(share.fragment), 'this experiment with its results', linked.caveat);
  notify('error', share.message, { label: 'Save the results file (JSON)', run: () => saveResultsFile(results) });
}

export function ShareBar() {
  useEffect(startLinkSync, []);
  useEffect(
    () => trainer.listen((ev) => ev.type === 'done' && useShareStore.setState({ trainedResults: ev.results })),
    [],
  );
  const hasResults = useExperimentStore((s) => s.results !== null);
  const lastLink = useShareStore((s) => s.lastLink);
  const pendingImport = usePendingImports((s) => s.queue.length > 0);

  return (
    <div className="share-bar" data-testid="share-bar">
      <div className="share-actions">
        <button
          onClick={async () => {
            const linked = await linkSpec(useExperimentStore.getState().spec);
            await copy(urlWith(specFragment(linked.spec)), 'this experiment', linked.caveat);
          }}
          data-testid="copy-link"
        >
          Copy link
        </button>
        <button
          onClick={copyWithResults}
          disabled={!hasResults}
          title={hasResults ? 'The link opens the experiment with its results shown' : 'Run the experiment first'}
          data-testid="copy-link-results"
        >
          Copy link with results
        </button>
        <ExportMenu />
        <details className="share-menu">
          <summary data-testid="import-menu">Import</summary>
          <div className="share-menu-list">
            <Suspense fallback={<p className="hint">Loading…</p>}>
              <ImportPanel />
            </Suspense>
          </div>
        </details>
      </div>
      {lastLink && (
        <input
          className="share-link"
          readOnly
          value={lastLink}
          aria-label="Share link"
          onFocus={(e) => e.currentTarget.select()}
          data-testid="share-link"
        />
      )}
      {pendingImport && (
        <Suspense fallback={<p className="hint">Loading…</p>}>
          <ImportPreview />
        </Suspense>
      )}
    </div>
  );
}
