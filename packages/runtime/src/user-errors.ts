/** An expected business failure, returned in a payload's `userErrors` (shape of the `UserError` type). */
export interface UserError<Code extends string = string> {
  field: string[] | null;
  message: string;
  code: Code;
}

export function userError<Code extends string>(code: Code, message: string, field?: string[]): UserError<Code> {
  return { code, message, field: field ?? null };
}

/** A payload that carries only the errors. */
export function failed<Code extends string>(...errors: UserError<Code>[]) {
  return { userErrors: errors };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Collects the userErrors of one input, so a mutation reports every problem at once and
 * writes nothing when any is found.
 */
export class InputCheck<Code extends string = string> {
  readonly errors: UserError<Code | 'INVALID_INPUT' | 'TOO_LONG' | 'INVALID_EMAIL'>[] = [];

  get ok(): boolean {
    return this.errors.length === 0;
  }

  add(code: Code | 'INVALID_INPUT' | 'TOO_LONG' | 'INVALID_EMAIL', message: string, field?: string[]): this {
    this.errors.push(userError(code, message, field));
    return this;
  }

  /** Trimmed text within [min, max] characters; returns the trimmed value. */
  text(value: string | null | undefined, field: string[], opts: { min?: number; max: number; label: string }): string {
    const trimmed = (value ?? '').trim();
    const min = opts.min ?? 1;
    if (trimmed.length > opts.max) this.add('TOO_LONG', `${opts.label} must be at most ${opts.max} characters.`, field);
    else if (trimmed.length < min)
      this.add('INVALID_INPUT', min === 1 ? `${opts.label} is required.` : `${opts.label} must be at least ${min} characters.`, field);
    return trimmed;
  }

  /** Optional text: null/empty stays null, otherwise at most `max` characters. */
  optionalText(value: string | null | undefined, field: string[], opts: { max: number; label: string }): string | null {
    const trimmed = (value ?? '').trim();
    if (trimmed.length === 0) return null;
    if (trimmed.length > opts.max) this.add('TOO_LONG', `${opts.label} must be at most ${opts.max} characters.`, field);
    return trimmed;
  }

  /** A normalised (trimmed, lower-cased) email address. */
  email(value: string, field: string[]): string {
    const email = value.trim().toLowerCase();
    if (email.length > 254) this.add('TOO_LONG', 'Email must be at most 254 characters.', field);
    else if (!EMAIL.test(email)) this.add('INVALID_EMAIL', 'Enter a valid email address.', field);
    return email;
  }

  /** An integer within [min, max]. */
  int(value: number, field: string[], opts: { min: number; max: number; label: string; code?: Code }): number {
    if (!Number.isInteger(value) || value < opts.min || value > opts.max) {
      this.add(opts.code ?? 'INVALID_INPUT', `${opts.label} must be a whole number from ${opts.min} to ${opts.max}.`, field);
    }
    return value;
  }
}
