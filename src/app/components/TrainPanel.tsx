// "Train a tiny model": the run's settings, validated as typed, and the play/pause/step/stop controls.
import { useId, useState } from 'react';
import { Icon } from './Icon';
import { quickTrainDefaultSeed, quickTrainDefaultSteps, quickTrainLimits, quickTrainOptions } from '../quickTrainDefaults';
import { trainer } from '../trainerClient';
import { useTrainerStore } from '../trainerStore';
import { parseWholeNumber, type Parsed } from '../validate';

function NumberField(props: { label: string; value: string; onChange(v: string): void; parsed: Parsed<number>; disabled: boolean; testId: string }) {
  const id = useId();
  const bad = !props.parsed.ok;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        value={props.value}
        disabled={props.disabled}
        aria-invalid={bad}
        aria-describedby={bad ? `${id}-msg` : undefined}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {!props.parsed.ok && (
        <p id={`${id}-msg`} className="field-error" role="alert">
          {props.parsed.message}
        </p>
      )}
    </div>
  );
}

export function TrainPanel() {
  const [stepsText, setStepsText] = useState(String(quickTrainDefaultSteps));
  const [seedText, setSeedText] = useState(String(quickTrainDefaultSeed));
  const phase = useTrainerStore((s) => s.phase);
  const workerUp = useTrainerStore((s) => s.worker !== 'crashed');
  const steps = parseWholeNumber(stepsText, 'Steps', quickTrainLimits.steps.min, quickTrainLimits.steps.max);
  const seed = parseWholeNumber(seedText, 'Seed', quickTrainLimits.seed.min, quickTrainLimits.seed.max);
  const idle = phase === 'idle';

  const train = () => {
    if (steps.ok && seed.ok) trainer.start(quickTrainOptions(steps.value, seed.value));
  };

  return (
    <section className="panel" aria-labelledby="train-title">
      <h2 id="train-title">Train a tiny model</h2>
      <p className="muted">
        The <em>nano</em> T5 (2 encoder and 2 decoder layers, d<sub>model</sub> 64) learns to reverse strings of up to 8
        letters, from scratch.
      </p>
      <form
        className="train-form"
        onSubmit={(e) => {
          e.preventDefault();
          train();
        }}
      >
        <div className="field-row">
          <NumberField label="Steps" value={stepsText} onChange={setStepsText} parsed={steps} disabled={!idle} testId="steps-input" />
          <NumberField label="Seed" value={seedText} onChange={setSeedText} parsed={seed} disabled={!idle} testId="seed-input" />
        </div>
        <div className="buttons">
          {idle ? (
            <button type="submit" className="primary" disabled={!steps.ok || !seed.ok || !workerUp}>
              <Icon name="play" /> Train a tiny model
            </button>
          ) : phase === 'paused' ? (
            <>
              <button type="button" className="primary" onClick={trainer.resume}>
                <Icon name="play" /> Resume
              </button>
              <button type="button" onClick={trainer.step}>
                <Icon name="step" /> Step
              </button>
            </>
          ) : (
            <button type="button" onClick={trainer.pause} disabled={phase === 'stopping'}>
              <Icon name="pause" /> Pause
            </button>
          )}
          {!idle && (
            <button type="button" onClick={trainer.stop} disabled={phase === 'stopping'}>
              <Icon name="stop" /> Stop
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
