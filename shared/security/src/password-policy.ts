import type { FieldIssue } from '@switchboard/errors';

const PATH = 'body/password';
const MIN_LENGTH = 12;
const MAX_LENGTH = 256;
/** Shorter email local parts and name words ("al", "bob") would forbid too many passwords. */
const MIN_PERSONAL_LENGTH = 4;

/**
 * The most common passwords that are long enough to pass the length rule, from public breach
 * corpora. Length matters most; this only stops the ones every attacker tries first.
 */
const commonPasswords: ReadonlySet<string> = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '111111111111',
  '000000000000',
  '123123123123',
  '987654321098',
  'password1234',
  'password12345',
  'password123456',
  'password1234567',
  'passwordpassword',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwertyuiopasdf',
  'qwerty123456',
  'qwertyqwerty',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'qazwsxedcrfv',
  'asdfghjkl123',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'administrator',
  'admin1234567',
  'changeme1234',
  'trustno11234',
  'abcdefghijkl',
  'abc123456789',
  'football1234',
  'baseball1234',
  'sunshine1234',
  'monkey123456',
]);

/**
 * Checks a new password against the policy and answers with what a person should change,
 * at `body/password`; empty when the password is acceptable. Lengths count characters as a
 * person sees them (code points), not UTF-16 units.
 */
export function checkPasswordPolicy(password: string, context: { email?: string; name?: string }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const length = [...password].length;
  if (length < MIN_LENGTH) {
    issues.push({ path: PATH, message: `Use at least ${MIN_LENGTH} characters (this one has ${length}). A few unrelated words make a long password easy to remember.` });
  }
  if (length > MAX_LENGTH) {
    issues.push({ path: PATH, message: `Use at most ${MAX_LENGTH} characters (this one has ${length}).` });
  }

  const lowered = password.toLowerCase();
  const localPart = context.email?.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= MIN_PERSONAL_LENGTH && lowered.includes(localPart)) {
    issues.push({ path: PATH, message: 'The password must not contain the first part of your email address.' });
  }
  if (containsName(lowered, context.name)) {
    issues.push({ path: PATH, message: 'The password must not contain your name.' });
  }
  if (commonPasswords.has(lowered) || isOneCharacterRepeated(password)) {
    issues.push({ path: PATH, message: 'This is one of the most common passwords, and the first one attackers try; choose another.' });
  }
  return issues;
}

/** The whole name (spaces removed) or any word of it with at least four letters. */
function containsName(lowered: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  const words = name.toLowerCase().split(/[\s.,'-]+/).filter((word) => word.length >= MIN_PERSONAL_LENGTH);
  const whole = words.join('');
  return (whole.length >= MIN_PERSONAL_LENGTH && lowered.includes(whole)) || words.some((word) => lowered.includes(word));
}

function isOneCharacterRepeated(password: string): boolean {
  const characters = new Set(password);
  return password.length > 0 && characters.size === 1;
}
