// The page: the header (title, active backend, room for share / save controls), the run bar, then the experiment's
// set-up on one side and what the run shows on the other.
import { BackendBadge } from './components/BackendBadge';
import { BackendPanel } from './components/BackendPanel';
import { ComparePanel } from './components/ComparePanel';
import { RunHistory } from './components/history/RunHistory';
import { ImportancePanel } from './components/ImportancePanel';
import { Intro } from './components/Intro';
import { LivePanel } from './components/LivePanel';
import { ModelPanel } from './components/ModelPanel';
import { Notices } from './components/Notices';
import { PresentBar, PresentButton } from './components/PresentBar';
import { PRESENT_STEPS } from './present/presentState';
import { usePresentStore } from './present/presentStore';
import { QueueEditor } from './components/QueueEditor';
import { RunBar } from './components/RunBar';
import { SeedRuns } from './components/SeedRuns';
import { ShareBar } from './components/share/ShareBar';
import { SkipLink } from './components/SkipLink';
import { StrategyPanel } from './components/StrategyPanel';
import { WhatIfPanel } from './components/WhatIfPanel';

export function App() {
  const step = usePresentStore((s) => s.step);
  const hide = usePresentStore((s) => s.hide);
  const present =
    step === null ? '' : ` present present-${PRESENT_STEPS[step].id} ${hide.map((h) => `hide-${h}`).join(' ')}`;
  return (
    <div className={`app${present}`}>
      <SkipLink to="run-title">Skip to the run controls</SkipLink>
      <header className="top">
        <div>
          <h1>KIF playground</h1>
          <p className="tagline">Continual learning for small T5 language models, live in your browser</p>
        </div>
        <div className="header-tools">
          <ShareBar />
          <PresentButton />
          <BackendBadge />
        </div>
      </header>
      <main className="layout">
        <div className="wide present-row">
          <PresentBar />
        </div>
        <div className="wide notices-row">
          <Notices />
        </div>
        <div className="wide run-sticky">
          <RunBar />
        </div>
        <div className="column setup">
          <Intro />
          <QueueEditor />
          <StrategyPanel />
          <ModelPanel />
          <BackendPanel />
        </div>
        <div className="column views">
          <LivePanel />
          <ImportancePanel />
          <ComparePanel />
          <SeedRuns />
          <WhatIfPanel />
          <RunHistory />
        </div>
      </main>
    </div>
  );
}
