// The import boundaries as ESLint enforces them (eslint.config.js): the engine imports no React, DOM library, app or
// worker code and uses no DOM globals; the app never imports TF.js. Each is checked on a deliberate violation.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });
const problems = async (code: string, filePath: string) => {
  const [r] = await eslint.lintText(code, { filePath });
  return r.messages.map((m) => `${m.ruleId}: ${m.message}`);
};

describe('the import boundary rule', () => {
  it.each([
    ["import { useState } from 'react';", 'no React'],
    ["import { create } from 'zustand';", 'no React'],
    ["import { trainer } from '../../app/trainerClient';", 'nothing of its hosts'],
    ["import type { TrainerEvent } from '../../worker/protocol';", 'nothing of its hosts'],
    ['export const w = window.innerWidth;', 'no DOM globals'],
    ["export const e = document.createElement('div');", 'no DOM globals'],
  ])('refuses in src/engine: %s', async (code, why) => {
    const found = await problems(code, 'src/engine/run/zz-violation.ts');
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(why);
  });

  it('refuses TF.js in the app, and passes the same imports where they belong', async () => {
    expect(await problems("import * as tf from '@tensorflow/tfjs';", 'src/app/zz-violation.ts')).toEqual([
      "no-restricted-imports: '@tensorflow/tfjs' import is restricted from being used by a pattern. the app never runs TF.js: the worker does (send it a command)",
    ]);
    expect(
      await problems(
        "import * as tf from '@tensorflow/tfjs';\nexport const b = tf.getBackend();",
        'src/engine/run/zz-ok.ts',
      ),
    ).toEqual([]);
    expect(await problems("import { useState } from 'react';\nexport const u = useState;", 'src/app/zz-ok.ts')).toEqual(
      [],
    );
  });

  it('the correctness rules catch a bug: NaN compared with ===', async () => {
    expect(await problems('export const bad = (x: number) => x === NaN;', 'src/engine/run/zz-nan.ts')).toEqual([
      'use-isnan: Use the isNaN function to compare with NaN.',
    ]);
  });
});
