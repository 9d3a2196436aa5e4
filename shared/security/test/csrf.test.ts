import { describe, expect, it } from 'vitest';
import { csrfMatches, newCsrfToken } from '../src/index.ts';

describe('CSRF double submit', () => {
  it('makes distinct url-safe tokens', () => {
    const token = newCsrfToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newCsrfToken()).not.toBe(token);
  });

  it('matches when the header repeats the cookie', () => {
    const token = newCsrfToken();
    expect(csrfMatches(token, token)).toBe(true);
  });

  it('refuses a different or truncated header', () => {
    const token = newCsrfToken();
    expect(csrfMatches(token, newCsrfToken())).toBe(false);
    expect(csrfMatches(token, token.slice(1))).toBe(false);
  });

  it('refuses when the cookie or the header is missing or empty', () => {
    const token = newCsrfToken();
    expect(csrfMatches(undefined, token)).toBe(false);
    expect(csrfMatches(token, undefined)).toBe(false);
    expect(csrfMatches(undefined, undefined)).toBe(false);
    expect(csrfMatches('', '')).toBe(false);
  });
});
