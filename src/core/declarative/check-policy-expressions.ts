import { compileExpression } from '../policy/cel-environment.js';
import type { ObjectCheck } from './parse-manifests.js';

/**
 * Compiles every validation of a Policy in the environment of its type: a syntax error, an unknown variable or
 * field, or a non-bool expression is a problem of the file, at the line of the error inside the expression.
 */
export const checkPolicyExpressions: ObjectCheck = (object) => {
  if (object.kind !== 'Policy') return [];
  return object.spec.validations.flatMap((validation, index) => {
    const compiled = compileExpression(validation.expression, object.spec.type);
    if (compiled.ok) return [];
    // An error at the end (EOF) belongs to the last written line, not to the block's trailing newline.
    const end = Math.min(compiled.offset, validation.expression.trimEnd().length);
    const lineInValue = validation.expression.slice(0, end).split('\n').length - 1;
    return [
      {
        path: ['spec', 'validations', index, 'expression'],
        message: `CEL: ${compiled.message} (at character ${compiled.offset + 1} of the expression)`,
        lineInValue,
      },
    ];
  });
};
