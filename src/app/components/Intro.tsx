// What the playground is, shown before anything has loaded, and the built-in experiments to start from.
import { listDemos } from '../../engine/experiment/demos';
import { demoSpec, useExperimentStore } from '../experimentStore';
import { RealDataDemos } from './RealDataDemos';

export function Intro() {
  const name = useExperimentStore((s) => s.spec.name);
  const setSpec = useExperimentStore((s) => s.setSpec);
  const demos = listDemos().filter((d) => !d.datasets?.length); // demos with imported data need their files
  const current = demos.find((d) => d.title === name);
  return (
    <section className="panel intro" aria-labelledby="intro-title">
      <h2 id="intro-title">What is this?</h2>
      <p>
        A playground for <strong>continual learning</strong>: a small T5 language model learns tasks one after another
        in your browser, and you watch what it learns and what it forgets. <strong>Sequential fine-tuning</strong>{' '}
        forgets earlier tasks;
        <strong> KIF</strong> finds the skill units (weight matrices, heads, neuron blocks) that matter for each task
        and fuses the models after every task to keep them. Training runs in a background worker on your own machine;
        nothing is uploaded.
      </p>
      <p>
        Press <strong>Run</strong> to start the demo below, or change the queue, model and strategies first.
      </p>
      <div className="field inline">
        <label htmlFor="demo">Built-in experiment</label>
        <select
          id="demo"
          value={current?.name ?? ''}
          onChange={(e) => e.target.value && setSpec(demoSpec(e.target.value))}
        >
          {!current && <option value="">(edited)</option>}
          {demos.map((d) => (
            <option key={d.name} value={d.name}>
              {d.title}
            </option>
          ))}
        </select>
      </div>
      {current && <p className="hint">{current.description}</p>}
      <RealDataDemos />
    </section>
  );
}
