// Locates ../shared (beside the repository root). Tests that need it skip with a message when it is absent.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sharedDir = process.env.KIF_SHARED_DIR ?? resolve(root, '..', 'shared');
export const hasShared = existsSync(resolve(sharedDir, 'KIF.md'));
export const sharedPath = (...parts: string[]) => resolve(sharedDir, ...parts);
if (!hasShared) console.warn(`[tests] ../shared not found at ${sharedDir}: tests that read it are skipped`);
