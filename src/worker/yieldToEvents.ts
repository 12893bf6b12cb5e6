// On the wasm and cpu backends a training step can finish without ever leaving the current task (their
// data() promises resolve at once), so the worker would never see pause or stop until the run ended.
// Waiting for a message on our own channel lets queued commands run first, without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
