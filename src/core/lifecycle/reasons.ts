/**
 * Every reason a lifecycle decision gives, in one place (cert-manager's constants.go): CamelCase constants that
 * scripts may match on in `custos managed status --json`.
 */
export const REASONS = {
  // trigger: why a new revision is due
  DoesNotExist: 'DoesNotExist',
  SpecChanged: 'SpecChanged',
  ManuallyTriggered: 'ManuallyTriggered',
  Renewing: 'Renewing',
  // issuing
  Issued: 'Issued',
  RolledBack: 'RolledBack',
  IssueFailed: 'IssueFailed',
  // deploy
  Deploying: 'Deploying',
  DeployFailed: 'DeployFailed',
  // verify and readiness
  Verifying: 'Verifying',
  StaleEndpoints: 'StaleEndpoints',
  AllEndpointsServe: 'AllEndpointsServe',
  Ready: 'Ready',
  NotIssued: 'NotIssued',
} as const;

export type Reason = (typeof REASONS)[keyof typeof REASONS];

/** A decision with its reason: what a check returns when it has something to say. */
export interface Decision {
  reason: Reason;
  message: string;
}
