import {
  CONDITION_TYPES,
  type Condition,
  type ConditionStatus,
  type ConditionType,
} from '../managed/managed-status.js';

/** The condition of a type, if set. */
export function conditionOf(conditions: readonly Condition[], type: ConditionType): Condition | undefined {
  return conditions.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[], type: ConditionType): boolean {
  return conditionOf(conditions, type)?.status === 'True';
}

export interface ConditionChange {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * The conditions with these set (as Kubernetes' meta.SetStatusCondition): lastTransitionTime moves only when the
 * status changes; reason and message follow. Kept in the order of CONDITION_TYPES.
 */
export function withConditions(
  conditions: readonly Condition[],
  changes: readonly ConditionChange[],
  now: Date,
): Condition[] {
  const byType = new Map(conditions.map((c) => [c.type, c]));
  for (const change of changes) {
    const before = byType.get(change.type);
    byType.set(change.type, {
      ...change,
      lastTransitionTime:
        before !== undefined && before.status === change.status ? before.lastTransitionTime : now,
    });
  }
  return CONDITION_TYPES.flatMap((type) => {
    const c = byType.get(type);
    return c === undefined ? [] : [c];
  });
}
