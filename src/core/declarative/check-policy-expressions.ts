import { compileExpression } from '../policy/cel-environment.js';
import { POLICY_TYPES } from './kinds/policy.js';
import type { ObjectCheck } from './parse-manifests.js';
import { valueAt } from '../schema/validator.js';

/**
 * Compiles every validation of a Policy in the environment of its type: a syntax error, an unknown variable or
 * field, or a non-bool expression is a problem of the file, at the line of the error inside the expression. It
 * runs even when other fields of the policy are invalid (those are reported by the schema): every expression that is
 * a string is compiled, as long as the policy's `type` says which environment to compile it in.
 */
export const checkPolicyExpressions: ObjectCheck = ({ kind, spec }) => {
  if (kind !== 'Policy') return [];
  const type = POLICY_TYPES.find((t) => t === valueAt(spec, ['type']));
  const validations = valueAt(spec, ['validations']);
  if (type === undefined || !Array.isArray(validations)) return [];
  return validations.flatMap((validation: unknown, index) => {
    const expression = valueAt(validation, ['expression']);
    if (typeof expression !== 'string' || expression === '') return [];
    const compiled = compileExpression(expression, type);
    if (compiled.ok) return [];
    // An error at the end (EOF) belongs to the last written line, not to the block's trailing newline.
    const end = Math.min(compiled.offset, expression.trimEnd().length);
    const lineInValue = expression.slice(0, end).split('\n').length - 1;
    return [
      {
        path: ['spec', 'validations', index, 'expression'],
        message: `CEL: ${compiled.message} (at character ${compiled.offset + 1} of the expression)`,
        lineInValue,
      },
    ];
  });
};
