/**
 * The values of the tracking records' closed string fields, listed at run time for the code that
 * validates untrusted text (imports, filter queries). Each list is derived from an object that must
 * name every member of its type, so a new status or source fails to compile until it is listed here.
 */
import type { Run, RunStatus } from './types';

const STATUSES = { running: true, finished: true, failed: true, interrupted: true } as const satisfies Record<RunStatus, true>;
const SOURCES = { autolog: true, api: true, import: true } as const satisfies Record<Run['source'], true>;

export const RUN_STATUSES = Object.keys(STATUSES) as readonly RunStatus[];
export const RUN_SOURCES = Object.keys(SOURCES) as readonly Run['source'][];
