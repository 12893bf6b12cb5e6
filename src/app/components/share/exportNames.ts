// Names of exported files that say what they hold, so the files of several strategies and runs never collide in one
// Downloads folder: experiment, strategy and the task the model was trained through.
import { slug } from './download';

/** "forgetting_kif-hard_after-task-3": the folder (and zip) of one strategy's trained model. */
export const modelFolderName = (experiment: string | undefined, strategy: string, afterTask: number) =>
  `${slug(experiment)}_${slug(strategy)}_after-task-${afterTask}`;
