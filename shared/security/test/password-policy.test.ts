import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from '../src/index.ts';

describe('password policy', () => {
  it('accepts a long password unrelated to the person', () => {
    expect(checkPasswordPolicy('tangerine orbit velvet 42', { email: 'amina@example.com', name: 'Amina Benali' })).toEqual([]);
  });

  it('refuses a password shorter than 12 characters, saying how long it must be', () => {
    const issues = checkPasswordPolicy('short pass', {});
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'body/password' });
    expect(issues[0]?.message).toMatch(/at least 12 characters/);
  });

  it('counts characters as people see them, not UTF-16 units', () => {
    // Eleven emoji are 22 UTF-16 units but eleven characters.
    expect(checkPasswordPolicy('🔑'.repeat(11), {})[0]?.message).toMatch(/at least 12/);
    expect(checkPasswordPolicy('🔑🌙'.repeat(6), {})).toEqual([]);
  });

  it('refuses a password longer than 256 characters', () => {
    const issues = checkPasswordPolicy('abcdefgh'.repeat(33), {});
    expect(issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/at most 256 characters/)]);
  });

  it("refuses a password containing the email's local part, in any case", () => {
    const issues = checkPasswordPolicy('my-AMINA.B-is-great', { email: 'amina.b@example.com' });
    expect(issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/email address/)]);
  });

  it('ignores an email local part shorter than four characters', () => {
    expect(checkPasswordPolicy('a long password with bob', { email: 'bob@example.com' })).toEqual([]);
  });

  it("refuses a password containing the person's name or a word of it", () => {
    expect(checkPasswordPolicy('benali-rocks-2024', { name: 'Amina Benali' })[0]?.message).toMatch(/your name/);
    expect(checkPasswordPolicy('xxaminabenalixx', { name: 'Amina Benali' })[0]?.message).toMatch(/your name/);
    expect(checkPasswordPolicy('a password with al in it', { name: 'Al' })).toEqual([]);
  });

  it('refuses the most common passwords whatever their case', () => {
    for (const common of ['password1234', 'Qwertyuiop12', '123456789012', 'aaaaaaaaaaaaaa']) {
      const issues = checkPasswordPolicy(common, {});
      expect(issues.map((issue) => issue.message), common).toEqual([expect.stringMatching(/most common passwords/)]);
    }
  });

  it('reports every problem at once', () => {
    const issues = checkPasswordPolicy('amina', { email: 'amina@example.com', name: 'Amina' });
    expect(issues).toHaveLength(3);
    expect(issues.every((issue) => issue.path === 'body/password')).toBe(true);
  });
});
