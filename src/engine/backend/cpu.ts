// The plain JavaScript backend: always there, slowest; the last resort.
import { activate } from './activate';
import { registerBackend } from './registry';

registerBackend({
  name: 'cpu',
  available: async () => ({ ok: true, detail: 'plain JavaScript' }),
  init: async () => {
    await activate('cpu');
    return 'plain JavaScript, no acceleration';
  },
});
