import type { ExpectedVersion } from './types.js';

/** The stream's version was not the one the writer expected (optimistic concurrency). */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${String(expected)}`);
  }
}

/** Some of the event ids are already used by other events (a partial or mismatched re-send). */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
  ) {
    super(`event id(s) ${eventIds.join(', ')} already exist with other content or in another stream than ${streamId}`);
  }
}

/** The append request itself is not valid (no events, ids repeated within it…). */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}
