// The page: header with the active backend, the controls on one side, the run on the other.
import { BackendBadge } from './components/BackendBadge';
import { BackendPanel } from './components/BackendPanel';
import { ErrorList } from './components/ErrorList';
import { Intro } from './components/Intro';
import { RunPanel } from './components/RunPanel';
import { TrainPanel } from './components/TrainPanel';

export function App() {
  return (
    <div className="app">
      <header className="top">
        <div>
          <h1>KIF playground</h1>
          <p className="tagline">Continual learning for small T5 language models, live in your browser</p>
        </div>
        <BackendBadge />
      </header>
      <main className="layout">
        <div className="column">
          <Intro />
          <TrainPanel />
          <BackendPanel />
        </div>
        <div className="column">
          <ErrorList />
          <RunPanel />
        </div>
      </main>
    </div>
  );
}
