// Names for the API's types and enums. Every type and every enum value comes
// from openapi.gen.ts, which is generated from docs/openapi.yaml (the
// server's contract): never edit the shapes here, only name them.
import { terminalEventValues, type components } from './openapi.gen';

type S = components['schemas'];

export type ErrorBody = S['ErrorBody'];
export type Health = S['Health'];
export type Model = S['Model'];
export type ModelList = S['ModelList'];
export type JobRequest = S['JobRequest'];
export type JobStatus = S['JobStatus'];
export type JobCreated = S['JobCreated'];
export type Progress = S['Progress'];
export type Job = S['Job'];
export type JobList = S['JobList'];
export type CancelResult = S['CancelResult'];
export type JobError = S['JobError'];
export type Upload = S['Upload'];
export type FsEntry = S['FsEntry'];
export type FsListing = S['FsListing'];
export type TokenCounts = S['TokenCounts'];
export type Summary = S['Summary'];
export type Chapter = S['Chapter'];
export type BookRow = S['BookRow'];
export type ResultsDocument = S['ResultsDocument'];
export type TextPage = S['TextPage'];
/** Event name → data payload of a job's SSE stream. */
export type SseEventMap = Required<S['SseEventMap']>;
export type SseEventName = keyof SseEventMap;
export type TerminalEvent = S['TerminalEvent'];

/** The events that end a job's stream; also the job statuses of a finished job. */
export const TERMINAL_EVENTS: readonly TerminalEvent[] = terminalEventValues;

/** True for `completed`, `failed` and `cancelled`, as events or as job statuses. */
export function isTerminalName(name: string): name is TerminalEvent {
  return (TERMINAL_EVENTS as readonly string[]).includes(name);
}
