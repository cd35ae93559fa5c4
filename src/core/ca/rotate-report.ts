/**
 * `custos ca rotate` and `POST /v1/cas/{name}/rotate`: the rollover status changes due now, then (unless only the
 * status is asked for) a new generation of the CA, and every generation as it stands after both.
 */
import { authorityView, type AuthorityView } from './authority-view.js';
import type { CaDependencies } from './ca-dependencies.js';
import type { RolloverTransition } from './rollover.js';
import { applyRollover, generationsFrom, rotateAuthority } from './rotate-authority.js';

export interface RotateReportInput {
  name: string;
  overlapMs?: number;
  /** Rotate nothing: write the status changes that are due and show the generations. */
  statusOnly: boolean;
}

/** What `ca rotate --json` prints. */
export interface RotateReport {
  /** The new generation, or null with statusOnly. */
  rotated: AuthorityView | null;
  applied: RolloverTransition[];
  generations: AuthorityView[];
}

export async function rotateReport(deps: CaDependencies, input: RotateReportInput): Promise<RotateReport> {
  const applied = await applyRollover(deps);
  const rotated = input.statusOnly
    ? null
    : await rotateAuthority(deps, {
        name: input.name,
        ...(input.overlapMs === undefined ? {} : { overlapMs: input.overlapMs }),
      });
  const generations = (await generationsFrom(deps, input.name)).map(authorityView);
  return { rotated: rotated === null ? null : authorityView(rotated), applied, generations };
}
