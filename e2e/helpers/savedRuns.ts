// Reading the page's saved runs straight from IndexedDB, as the resume and run-input tests check them.
import type { Page } from '@playwright/test';
import type { SavedRun } from '../../src/app/storage/savedRun';

/** Every saved run record, read straight from IndexedDB, newest first. */
export const savedRuns = (page: Page): Promise<SavedRun[]> =>
  page.evaluate(
    () =>
      new Promise<SavedRun[]>((resolve, reject) => {
        const open = indexedDB.open('kif-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('runs')) return resolve([]);
          const get = db.transaction('runs').objectStore('runs').getAll();
          get.onsuccess = () => resolve((get.result as SavedRun[]).sort((a, b) => b.createdAt - a.createdAt));
          get.onerror = () => reject(get.error);
        };
      }),
  );
