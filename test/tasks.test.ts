import { describe, expect, it } from 'vitest';
import { negativeWords, positiveWords, topicWords } from '../src/engine/tasks/lexicon';
import { makeTaskData } from '../src/engine/tasks/makeTaskData';
import { getTask, listTasks, registerTask, taskNames } from '../src/engine/tasks/registry';
import type { TaskDef } from '../src/engine/tasks/types';

// Independent oracles, written differently from the task code: each maps a raw input (no instruction) to its answer.
const shiftBy = (s: string, k: number) =>
  s.replace(/[a-z]/g, (c) => String.fromCharCode(97 + ((c.charCodeAt(0) - 97 + k + 26) % 26)));
const rev = (s: string) => s.split('').reduceRight((acc, c) => acc + c, '');
const srt = (s: string) =>
  s
    .split('')
    .sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0))
    .join('');
const count = (words: string[], lex: readonly string[]) => words.filter((w) => lex.includes(w)).length;

const oracles: Record<string, (x: string) => string | null> = {
  reverse: rev,
  rv: rev,
  sort: srt,
  shift: (x) => shiftBy(x, 1),
  unshift: (x) => shiftBy(x, -1),
  dedup: (x) =>
    x
      .split('')
      .filter((c, i) => x.indexOf(c) === i)
      .join(''),
  upper: (x) => x.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32)),
  double: (x) => x.replace(/(.)/g, '$1$1'),
  first3: (x) => x.substring(0, 3),
  length: (x) => `${x.length}`,
  swap: (x) => x.charAt(x.length - 1) + x.substring(1, x.length - 1) + x.charAt(0),
  rvsh: (x) => shiftBy(rev(x), 1),
  shso: (x) => srt(shiftBy(x, 1)),
  rvup: (x) => rev(x).toUpperCase(),
  copy: (x) => x,
  span: () => null, // checked separately: the answer is whatever was hidden
  add: (x) => {
    const [a, b] = x.split('+').map(Number);
    return `${a + b}`;
  },
  compare: (x) => {
    const [a, b] = x.split(' ').map(Number);
    expect(a).not.toBe(b);
    return a < b ? '<' : '>';
  },
  sentiment: (x) => {
    const w = x.split(' ');
    return count(w, positiveWords) > count(w, negativeWords) ? 'positive' : 'negative';
  },
  topic: (x) => {
    const w = x.split(' ');
    return Object.keys(topicWords).reduce((best, t) =>
      count(w, topicWords[t]) > count(w, topicWords[best]) ? t : best,
    );
  },
};

const raw = (t: TaskDef, input: string) => {
  expect(input.startsWith(t.instruction)).toBe(true);
  return input.slice(t.instruction.length);
};

describe('task registry', () => {
  it('registers at least 14 tasks with a name, title, one-line description, instruction and metric', () => {
    expect(taskNames().length).toBeGreaterThanOrEqual(14);
    for (const t of listTasks()) {
      expect(t.title.length).toBeGreaterThan(0);
      expect(t.description).not.toMatch(/\n/);
      expect(t.instruction).toMatch(/^[a-z0-9]+: $/);
      expect(['exact', 'rougeL']).toContain(t.metric);
    }
  });

  it('has an oracle here for every task, so a new task comes with its check', () => {
    expect(taskNames().sort()).toEqual(Object.keys(oracles).sort());
  });

  it('separates the pretraining skills from the demo compositions by tag and flag', () => {
    const names = (ts: TaskDef[]) => ts.map((t) => t.name).sort();
    const skills = names(listTasks({ tag: 'skill' }));
    expect(skills).toEqual(expect.arrayContaining(['reverse', 'shift', 'sort', 'upper', 'double', 'first3'])); // KIF.md §9 base
    expect(names(listTasks({ tag: 'composition' }))).toEqual(['rv', 'rvsh', 'rvup', 'shso']);
    expect(skills.filter((s) => ['rv', 'rvsh', 'rvup', 'shso', 'unshift'].includes(s))).toEqual([]);
    expect(names(listTasks({ pretrainOnly: true }))).toEqual(['copy', 'span']);
    expect(names(listTasks({ pretrainOnly: false }))).not.toContain('copy');
    expect(names(listTasks({ tag: 'conflict' }))).toEqual(['unshift']);
    expect(names(listTasks({ tag: 'classification' }))).toEqual(['sentiment', 'topic']);
  });

  it('refuses a duplicate or badly named task and names the known tasks for an unknown one', () => {
    expect(() => registerTask({ ...getTask('reverse') })).toThrow('task "reverse" is already registered');
    expect(() => registerTask({ ...getTask('reverse'), name: 'Bad Name' })).toThrow('task name "Bad Name" must be');
    expect(() => getTask('nope')).toThrow(/unknown task "nope"; known: reverse, sort/);
  });
});

describe('task generators', () => {
  // Hand-checked: the first three test examples of seed 7.
  it.each([
    [
      'reverse',
      [
        ['reverse: xotpot', 'toptox'],
        ['reverse: yhz', 'zhy'],
        ['reverse: nctuvoz', 'zovutcn'],
      ],
    ],
    [
      'sort',
      [
        ['sort: ixu', 'iux'],
        ['sort: hbe', 'beh'],
        ['sort: unotir', 'inortu'],
      ],
    ],
    [
      'shift',
      [
        ['shift: iudtakq', 'jveublr'],
        ['shift: kcthzz', 'lduiaa'],
        ['shift: pjafttg', 'qkbguuh'],
      ],
    ],
    [
      'unshift',
      [
        ['unshift: wsrlci', 'vrqkbh'],
        ['unshift: chimrx', 'bghlqw'],
        ['unshift: gtalu', 'fszkt'],
      ],
    ],
    [
      'dedup',
      [
        ['dedup: eee', 'e'],
        ['dedup: ckm', 'ckm'],
        ['dedup: vvww', 'vw'],
      ],
    ],
    [
      'double',
      [
        ['double: gsggx', 'ggssggggxx'],
        ['double: kijmt', 'kkiijjmmtt'],
        ['double: ffegqw', 'ffffeeggqqww'],
      ],
    ],
    [
      'swap',
      [
        ['swap: vgcaaa', 'agcaav'],
        ['swap: fczyif', 'fczyif'],
        ['swap: xghttj', 'jghttx'],
      ],
    ],
    [
      'rvsh',
      [
        ['rvsh: csmcyk', 'lzdntd'],
        ['rvsh: llyoheh', 'ifipzmm'],
        ['rvsh: rju', 'vks'],
      ],
    ],
    [
      'shso',
      [
        ['shso: glt', 'hmu'],
        ['shso: hcvtp', 'diquw'],
        ['shso: blszekx', 'acflmty'],
      ],
    ],
    [
      'add',
      [
        ['add: 93+20', '113'],
        ['add: 46+24', '70'],
        ['add: 94+14', '108'],
      ],
    ],
    [
      'compare',
      [
        ['compare: 35 82', '<'],
        ['compare: 80 79', '>'],
        ['compare: 61 32', '>'],
      ],
    ],
    [
      'length',
      [
        ['length: ibvif', '5'],
        ['length: mtw', '3'],
        ['length: qqables', '7'],
      ],
    ],
    [
      'span',
      [
        ['span: dtyyy_t', 'j'],
        ['span: sdn_nb', 'm'],
        ['span: airt_', 'wf'],
      ],
    ],
  ])('%s: hand-checked examples of seed 7', (name, expected) => {
    const { test } = makeTaskData(name, { seed: 7, trainSize: 0, testSize: 3 });
    expect(test.map((e) => [e.input, e.output])).toEqual(expected);
  });

  it.each(taskNames())('%s: 500 examples follow the rule its description states', (name) => {
    const t = getTask(name);
    const { train } = makeTaskData(name, { seed: 3, trainSize: 500, testSize: 0 });
    for (const ex of train) {
      const x = raw(t, ex.input);
      const want = oracles[name](x);
      if (want !== null) expect(ex.output, ex.input).toBe(want);
      expect(ex.output.length).toBeLessThanOrEqual(14);
    }
  });

  it('letter tasks draw 3–7 lowercase letters by default and obey the maxLen knob', () => {
    for (const t of listTasks({ tag: 'string' }).filter((t) => t.name !== 'span')) {
      const lens = makeTaskData(t.name, { seed: 1, trainSize: 300, testSize: 0 }).train.map((e) => raw(t, e.input));
      for (const x of lens) expect(x).toMatch(/^[a-z]{3,7}$/);
      expect(new Set(lens.map((x) => x.length))).toEqual(new Set([3, 4, 5, 6, 7]));
      for (const e of makeTaskData(t.name, { seed: 1, trainSize: 100, testSize: 0, maxLen: 4 }).train)
        expect(raw(t, e.input)).toMatch(/^[a-z]{3,4}$/);
    }
  });

  it('span hides 1–2 letters of a 3–7 letter string behind one "_"', () => {
    for (const e of makeTaskData('span', { seed: 2, trainSize: 300, testSize: 0 }).train) {
      const x = raw(getTask('span'), e.input);
      expect(x.split('_').length).toBe(2);
      expect(e.output).toMatch(/^[a-z]{1,2}$/);
      expect(x.replace('_', e.output).length).toBeGreaterThanOrEqual(3);
      expect(x.replace('_', e.output).length).toBeLessThanOrEqual(7);
    }
  });

  it('dedup inputs repeat letters often enough for the rule to matter', () => {
    const { train } = makeTaskData('dedup', { seed: 5, trainSize: 1000, testSize: 0 });
    const changed = train.filter((e) => raw(getTask('dedup'), e.input) !== e.output).length;
    expect(changed / train.length).toBeGreaterThan(0.5);
  });

  it('keeps the classes of compare, sentiment and topic balanced', () => {
    const share = (name: string, label: string) => {
      const { train } = makeTaskData(name, { seed: 9, trainSize: 4000, testSize: 0 });
      return train.filter((e) => e.output === label).length / train.length;
    };
    expect(share('compare', '<')).toBeGreaterThan(0.45);
    expect(share('compare', '<')).toBeLessThan(0.55);
    expect(share('sentiment', 'positive')).toBeGreaterThan(0.45);
    expect(share('sentiment', 'positive')).toBeLessThan(0.55);
    for (const topic of Object.keys(topicWords)) expect(share('topic', topic)).toBeGreaterThan(0.2);
  });
});

describe('makeTaskData', () => {
  it('is deterministic by seed and differs between seeds', () => {
    const a = makeTaskData('rvsh', { seed: 42, trainSize: 200, testSize: 50, valSize: 20 });
    const b = makeTaskData('rvsh', { seed: 42, trainSize: 200, testSize: 50, valSize: 20 });
    const c = makeTaskData('rvsh', { seed: 43, trainSize: 200, testSize: 50, valSize: 20 });
    expect(b).toEqual(a);
    expect(c.test).not.toEqual(a.test);
    expect([a.train.length, a.val.length, a.test.length]).toEqual([200, 20, 50]);
  });

  it.each(taskNames())('%s: train, val and test share no input and have no repeats', (name) => {
    const { train, val, test } = makeTaskData(name, { seed: 11, trainSize: 1000, testSize: 200, valSize: 100 });
    const inputs = [...train, ...val, ...test].map((e) => e.input);
    expect(new Set(inputs).size).toBe(1300);
  });

  it('keeps the test set of a seed when trainSize changes', () => {
    const small = makeTaskData('shso', { seed: 5, trainSize: 10, testSize: 100 });
    const large = makeTaskData('shso', { seed: 5, trainSize: 3000, testSize: 100 });
    expect(large.test).toEqual(small.test);
    expect(large.train.slice(0, 10)).toEqual(small.train);
  });

  it('refuses bad options and more examples than a task can make', () => {
    expect(() => makeTaskData('nope', { seed: 1, trainSize: 1, testSize: 1 })).toThrow('unknown task "nope"');
    expect(() => makeTaskData('add', { seed: 1.5, trainSize: 1, testSize: 1 })).toThrow(
      'seed must be an integer (got 1.5)',
    );
    expect(() => makeTaskData('add', { seed: 1, trainSize: -1, testSize: 1 })).toThrow(
      'trainSize must be an integer from 0 to 1000000 (got -1)',
    );
    expect(() => makeTaskData('reverse', { seed: 1, trainSize: 1, testSize: 1, maxLen: 2 })).toThrow(
      'maxLen must be an integer from 3 to 32 (got 2)',
    );
    // 90 × 90 two-digit pairs exist.
    expect(() => makeTaskData('add', { seed: 1, trainSize: 8100, testSize: 1 })).toThrow(
      'task "add" ran out of distinct inputs at 8100 (asked for 8101)',
    );
    expect(makeTaskData('add', { seed: 1, trainSize: 8000, testSize: 100 }).train).toHaveLength(8000);
  });
});
