// Bumped whenever the page itself puts checkpoint files into Cache Storage (a checkpoint loaded by URL in the Import
// panel), so the list of cached models under "Model and training" reads the cache again.
import { create } from 'zustand';

export const useModelCacheStore = create<{ version: number }>(() => ({ version: 0 }));

export const modelCacheChanged = () => useModelCacheStore.setState((s) => ({ version: s.version + 1 }));
