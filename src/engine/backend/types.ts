// Shared types of the backend registry: what a backend is and what choosing one returns.
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** What the host (worker, Node CLI, tests) tells the engine about its surroundings. */
export interface BackendEnv {
  /** Where the tfjs .wasm binaries are served: a folder prefix or a map from binary name to URL.
   *  Leave unset in Node: tfjs then reads them from its own package folder. */
  wasmPaths?: string | Record<string, string>;
}

/** Result of probing a backend without initialising it. */
export type Probe =
  | {
      ok: true;
      detail: string;
      /** software emulation (e.g. SwiftShader): usable, but not picked by auto */ software?: boolean;
    }
  | { ok: false; reason: string };

export interface BackendEntry {
  name: BackendName;
  /** Cheap check of whether this backend can run here; does not switch tfjs to it. */
  available(env: BackendEnv): Promise<Probe>;
  /** Loads the backend if needed and makes it tfjs' active backend; returns a detail for the reason text
   *  (e.g. "threaded SIMD, 2 threads"); throws with a message when it cannot. */
  init(env: BackendEnv): Promise<string>;
}

export interface BackendChoice {
  name: BackendName;
  /** Why this backend is active, in words a user can read. */
  reason: string;
  /** One message per backend that was tried and failed, in order. */
  fallbacks: string[];
}
