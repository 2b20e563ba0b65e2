/**
 * One step of a case as a person reads it: the shape handlers/cases/record.ts builds and, with its
 * instants as ISO strings, the console's JSON (src/api/console/types.ts). It lives here, a file of
 * types that imports nothing, so the console's front-end can derive its shape from this one without
 * taking in the server's code (and without entering the cases room by a side door).
 */

export interface CaseStep {
  id: number;
  step: string;
  /** The step as people read it: the title of its card (安抚客户并致歉…). */
  title: string;
  role: string;
  roleName: string;
  status: string;
  decision: string | null;
  text: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  dueAt: number | null;
  createdAt: number;
  needsText: boolean;
  /** The viewer may decide it now (with a button, or in words when it needs text). */
  mine: boolean;
  /** What the viewer may press now (the card's own buttons); empty when they may not decide it. */
  choices: { key: string; text: string }[];
}
