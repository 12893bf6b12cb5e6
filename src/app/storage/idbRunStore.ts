// Saved runs in IndexedDB (through idb): a 'runs' store of records and a 'checkpoints' store of task-boundary
// checkpoints (weights as typed arrays, structured-cloned). Every change that touches both is one transaction, so a
// write that fails (a full quota) rolls back whole and leaves the last good record and checkpoint in place.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { RunCheckpoint } from '../../engine/experiment/resume';
import type { RunStore } from './savedRunStore';
import type { SavedRun } from './savedRun';

export const DB_NAME = 'kif-playground';
const DB_VERSION = 1;

interface StoredCheckpoint {
  /** Auto-incremented: a newer checkpoint of a run has a larger key. */
  key?: number;
  runId: string;
  checkpoint: RunCheckpoint;
}

interface RunsDb extends DBSchema {
  runs: { key: string; value: SavedRun; indexes: { createdAt: number } };
  checkpoints: { key: number; value: StoredCheckpoint; indexes: { runId: string } };
}

/** Opens (creating on first use) the database; rejects where the browser refuses storage. */
export async function openIdbRunStore(name = DB_NAME): Promise<RunStore> {
  if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB');
  const db = await openDB<RunsDb>(name, DB_VERSION, {
    upgrade(d) {
      d.createObjectStore('runs', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
      d.createObjectStore('checkpoints', { keyPath: 'key', autoIncrement: true }).createIndex('runId', 'runId');
    },
  });
  return idbRunStore(db);
}

const createdAt = (r: unknown) =>
  typeof (r as SavedRun | null)?.createdAt === 'number' ? (r as SavedRun).createdAt : 0;
const byNewest = (a: unknown, b: unknown) => createdAt(b) - createdAt(a) || 0;

type Tx = IDBPTransaction<RunsDb, ('runs' | 'checkpoints')[], 'readwrite'>;

function idbRunStore(db: IDBPDatabase<RunsDb>): RunStore {
  /** Runs `work` in a transaction over both stores; settles when the transaction commits, or rejects when it aborts. */
  const inBoth = async (work: (tx: Tx) => Promise<unknown>) => {
    const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
    await Promise.all([work(tx), tx.done]);
  };
  const checkpointKeys = (tx: Tx, runId: string) => tx.objectStore('checkpoints').index('runId').getAllKeys(runId);

  return {
    kind: 'indexeddb',
    // Not through the createdAt index: a damaged record without a createdAt is in no index, and must still be listed.
    list: async () => (await db.getAll('runs')).sort((a, b) => byNewest(a, b)),
    get: (id) => db.get('runs', id),
    put: async (run) => void (await db.put('runs', run)),
    saveBoundary: (run, checkpoint) =>
      inBoth(async (tx) => {
        const store = tx.objectStore('checkpoints');
        const older = await checkpointKeys(tx, run.id);
        // Write new, then delete old, in one transaction: a failed write aborts it and the old checkpoint stays.
        await store.add({ runId: run.id, checkpoint });
        await Promise.all([...older.map((k) => store.delete(k)), tx.objectStore('runs').put(run)]);
      }),
    async checkpoint(id) {
      const all = await db.getAllFromIndex('checkpoints', 'runId', id);
      return all.at(-1)?.checkpoint;
    },
    finish: (run) =>
      inBoth(async (tx) => {
        const older = await checkpointKeys(tx, run.id);
        await Promise.all([
          tx.objectStore('runs').put(run),
          ...older.map((k) => tx.objectStore('checkpoints').delete(k)),
        ]);
      }),
    rename: (id, name) =>
      inBoth(async (tx) => {
        const run = await tx.objectStore('runs').get(id);
        if (run) await tx.objectStore('runs').put({ ...run, name });
      }),
    remove: (id) =>
      inBoth(async (tx) => {
        const older = await checkpointKeys(tx, id);
        await Promise.all([
          tx.objectStore('runs').delete(id),
          ...older.map((k) => tx.objectStore('checkpoints').delete(k)),
        ]);
      }),
    dropCheckpoint: (id) =>
      inBoth(async (tx) => {
        const older = await checkpointKeys(tx, id);
        await Promise.all(older.map((k) => tx.objectStore('checkpoints').delete(k)));
      }),
  };
}
