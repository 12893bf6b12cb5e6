// The built-in tasks, in picker order. Adding a task: one file in this folder and one entry here.
import type { TaskDef } from '../types';
import { add } from './add';
import { compare } from './compare';
import { copy } from './copy';
import { dedup } from './dedup';
import { double } from './double';
import { first3 } from './first3';
import { length } from './length';
import { reverse } from './reverse';
import { rv } from './rv';
import { rvsh } from './rvsh';
import { rvup } from './rvup';
import { sentiment } from './sentiment';
import { shift } from './shift';
import { shso } from './shso';
import { sort } from './sort';
import { span } from './span';
import { swap } from './swap';
import { topic } from './topic';
import { unshift } from './unshift';
import { upper } from './upper';

export const builtinTasks: readonly TaskDef[] = [
  reverse,
  sort,
  shift,
  unshift,
  dedup,
  upper,
  double,
  first3,
  length,
  swap,
  rv,
  rvsh,
  shso,
  rvup,
  add,
  compare,
  sentiment,
  topic,
  copy,
  span,
];
