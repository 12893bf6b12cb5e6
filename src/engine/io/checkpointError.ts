// The one error type of checkpoint I/O: its message says which file, tensor or field is wrong and how.
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}
