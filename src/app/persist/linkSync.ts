// Keeps the page's URL and the experiment in step: on start, one restore step reads the fragment (a shared link) into the
// experiment store; afterwards every spec change rewrites the fragment with history.replaceState, debounced, so typing
// in a knob adds no history entries. A bad link opens the default experiment with a message; nothing saved is touched.
import { specFragment, restoreFromFragment } from '../../engine/share/shareLink';
import { notify } from '../services/shareStore';
import { showResults } from '../services/showResults';
import { demoSpec, useExperimentStore } from '../experimentStore';
import { loadLastSpec, saveLastSpec, strayFragmentMessage } from './lastSpec';

const WRITE_DELAY_MS = 400;
let started = false;

const describeSpec = (s: { name?: string; tasks: unknown[]; strategies: unknown[] }) =>
  `${s.name ? `"${s.name}"` : 'the experiment'} (${s.tasks.length} task${s.tasks.length === 1 ? '' : 's'}, ${s.strategies.length} strateg${s.strategies.length === 1 ? 'y' : 'ies'})`;

/** The page URL with `fragment`, keeping path and query. */
export const urlWith = (fragment: string) => `${location.origin}${location.pathname}${location.search}#${fragment}`;

/** Runs the restore step on the current fragment and puts the outcome into the page. */
function openFragment(): void {
  const r = restoreFromFragment(location.hash, { fallback: () => demoSpec() });
  const store = useExperimentStore.getState();
  if (r.kind === 'refused') {
    store.setSpec(r.spec);
    notify('error', r.message);
    // The bad fragment is replaced at once, so reloading does not repeat the message.
    history.replaceState(history.state, '', urlWith(specFragment(r.spec)));
  } else if (r.kind === 'restored') {
    store.setSpec(r.spec);
    showResults(r.results ?? null); // the heatmaps and fusion maps too, not only the matrices
    notify('info', `Opened ${describeSpec(r.spec)} from the link${r.results ? ', with its results' : ''}.`);
    r.notes.forEach((n) => notify('error', n));
  } else {
    // No share link: the experiment last shown in this browser, else the default demo.
    const last = loadLastSpec();
    if (last) store.setSpec(last);
    const stray = strayFragmentMessage(
      location.hash,
      last ? `your last experiment (${describeSpec(last)})` : 'the default experiment',
    );
    if (stray) notify('error', stray);
    else if (last)
      notify(
        'info',
        `Opened your last experiment, ${describeSpec(last)}; the built-in ones are under "Built-in experiment".`,
      );
    if (last || stray)
      history.replaceState(history.state, '', urlWith(specFragment(useExperimentStore.getState().spec)));
  }
}

export function startLinkSync(): void {
  if (started) return;
  started = true;
  openFragment();
  let timer: ReturnType<typeof setTimeout> | null = null;
  useExperimentStore.subscribe((state, prev) => {
    if (state.spec === prev.spec) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const spec = useExperimentStore.getState().spec;
      history.replaceState(history.state, '', urlWith(specFragment(spec)));
      saveLastSpec(spec);
    }, WRITE_DELAY_MS);
  });
  // A link pasted into the address bar of an open page changes only the fragment: no reload, so read it here.
  // (replaceState, used above, fires no hashchange.)
  window.addEventListener('hashchange', openFragment);
}
