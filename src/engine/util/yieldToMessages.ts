// On the wasm and cpu backends a training step can finish without ever leaving the current task (their data()
// promises resolve at once), so a thread would not see its queued messages (a pause, a stop, another lane's record)
// until the run ended. This resolves once they have had their turn, without setTimeout's 4 ms clamp: setImmediate in
// Node, a message on one shared channel elsewhere.
let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

export function yieldToMessages(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}
