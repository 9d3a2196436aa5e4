import type { Signal } from '@angular/core';
import type { ValidationError } from '@angular/forms/signals';
import type { ApiError } from '../api/api-error';

/** The part of a signal-forms field that error display needs; any `FieldTree` fits. */
export type ErrorSource = () => { readonly touched: Signal<boolean>; readonly errors: Signal<readonly ValidationError[]> };

/** A field that a server error can point at. */
export type FieldRef = NonNullable<ValidationError.WithOptionalFieldTree['fieldTree']>;

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Puts the hub's refused fields next to the matching inputs: an issue at `body/email` becomes an
 * error on `fields.email`, `body/branding/primaryColor` on `fields['branding/primaryColor']`.
 * Issues without a matching field stay in the error's message, which the form shows above its
 * button. The errors clear as soon as the person edits the field.
 */
export function fieldErrorsOf(error: ApiError, fields: Readonly<Record<string, FieldRef>>): ValidationError.WithOptionalFieldTree[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.replace(/^(body|querystring|params)?\//, '');
    const fieldTree = fields[path] ?? fields[path.split('/').at(-1) ?? ''];
    return fieldTree === undefined ? [] : [{ kind: 'server', message: sentence(issue.message), fieldTree }];
  });
}

/**
 * `onInvalid` for every console form: submitting marks all fields touched, so their errors show;
 * this moves focus to the first one so that keyboard and screen-reader users land on it.
 */
export function focusFirstError(field: () => { errorSummary: Signal<readonly ValidationError.WithFieldTree[]> }): void {
  field().errorSummary()[0]?.fieldTree().focusBoundControl();
}
