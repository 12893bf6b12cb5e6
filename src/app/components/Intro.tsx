// What the playground is, in a few sentences, shown before anything has loaded.
export function Intro() {
  return (
    <section className="panel intro" aria-labelledby="intro-title">
      <h2 id="intro-title">What is this?</h2>
      <p>
        A playground for <strong>continual learning</strong>: small T5 language models learn tasks one after another
        in your browser, and you watch what they learn and what they forget. Training runs on your own machine in a
        background worker, with TensorFlow.js on WebGPU, WebGL or WebAssembly; nothing is uploaded.
      </p>
      <p>
        To start, train a tiny model to reverse strings: watch the loss fall and the model&apos;s answers turn right.
      </p>
    </section>
  );
}
