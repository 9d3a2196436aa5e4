import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

/** One reason a value does not match its schema: where (JSON pointer) and what. */
export interface SchemaIssue {
  path: string;
  message: string;
}

export type SchemaCheck<Value> = { ok: true; value: Value } | { ok: false; issues: SchemaIssue[] };

const validators = new WeakMap<TSchema, Validator>();

function validatorFor(schema: TSchema): Validator {
  let validator = validators.get(schema);
  if (validator === undefined) {
    validator = Compile(schema) as unknown as Validator;
    validators.set(schema, validator);
  }
  return validator;
}

/**
 * Checks `value` against `schema` with a compiled (and cached) validator. Returns the value
 * typed by the schema, or every issue with its path, for a 4xx body or a parking reason.
 */
export function checkSchema<Schema extends TSchema>(schema: Schema, value: unknown): SchemaCheck<Static<Schema>> {
  const validator = validatorFor(schema);
  if (validator.Check(value)) return { ok: true, value: value as Static<Schema> };
  const issues = validator.Errors(value).flatMap((error): SchemaIssue[] => {
    const params = error.params as { requiredProperties?: string[]; additionalProperties?: string[] };
    // Name the field itself, so a person sees `/email: is required`, not `/: must have required properties email`.
    if (error.keyword === 'required' && params.requiredProperties) {
      return params.requiredProperties.map((name) => ({ path: `${error.instancePath}/${name}`, message: 'is required' }));
    }
    if (error.keyword === 'additionalProperties' && params.additionalProperties) {
      return params.additionalProperties.map((name) => ({ path: `${error.instancePath}/${name}`, message: 'is not an accepted field' }));
    }
    if (error.keyword === 'boolean') return []; // repeats an additionalProperties error
    return [{ path: error.instancePath === '' ? '/' : error.instancePath, message: error.message }];
  });
  return { ok: false, issues: dedupeIssues(issues) };
}

/** Renders issues as one line, e.g. `/text: must NOT have more than 4096 characters`. */
export function describeIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}

function dedupeIssues(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}|${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
