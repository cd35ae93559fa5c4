/** How bad a finding is; policies choose theirs (info | low | medium | high | critical). */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * One problem with one certificate (or with what a location serves), with a stable code. Built-in codes are the
 * constants of finding-codes.ts; policies add their own codes.
 */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  /** The exception that waives this finding, when one does (the finding stays visible). */
  waivedBy?: string;
}
