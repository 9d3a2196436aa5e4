import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, errorCatalog, errorCodes, isErrorCode } from '../src/index.ts';

const documentation = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error catalog', () => {
  it.each(errorCodes)('documents %s in docs/errors.md with its status', (code) => {
    const row = documentation.split('\n').find((line) => line.includes(`\`${code}\``));
    expect(row, `${code} is missing from docs/errors.md`).toBeDefined();
    expect(row).toContain(`| ${errorCatalog[code].status} |`);
  });

  it('documents no code that does not exist', () => {
    const documented = [...documentation.matchAll(/`(SB_ERR_[A-Z_]+)`/g)].map((match) => match[1]);
    expect(documented.filter((code) => !isErrorCode(code))).toEqual([]);
  });

  it('gives every code an HTTP error status and a message', () => {
    for (const code of errorCodes) {
      expect(errorCatalog[code].status).toBeGreaterThanOrEqual(400);
      expect(errorCatalog[code].message.length).toBeGreaterThan(10);
    }
  });

  it('carries code, status, issues and cause on an AppError', () => {
    const cause = new Error('root');
    const error = new AppError('SB_ERR_VALIDATION', { issues: [{ path: '/email', message: 'is required' }], cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(400);
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({ code: 'SB_ERR_VALIDATION', message: 'The request is not valid.', issues: [{ path: '/email', message: 'is required' }] });
  });
});
