import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '@switchboard/errors';
import { envVariables, loadConfig } from '../src/index.ts';

describe('loadConfig', () => {
  it('runs on defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', logLevel: 'info', dataDir: '.data', natsUrl: undefined, publicUrl: 'http://localhost:3000' });
  });

  it('reads service URLs and trims a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({ NATS_URL: 'nats://a:4222,nats://b:4222', DATABASE_URL: 'postgres://u:p@db/sb', PUBLIC_URL: 'https://chat.example.com/' });
    expect(config.natsUrl).toBe('nats://a:4222,nats://b:4222');
    expect(config.publicUrl).toBe('https://chat.example.com');
  });

  it('trusts no proxy by default, and a hop count or load balancer addresses when told', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('lists every bad value at once, naming the variable', () => {
    let thrown: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', NATS_URL: 'not a url' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const error = thrown as AppError;
    expect(error.code).toBe('SB_ERR_CONFIG_INVALID');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'NATS_URL', 'PORT']);
    expect(error.message).toContain('PORT: must be a whole number from 0 to 65535, got "eighty"');
  });

  it('is documented: the README has a row for every environment variable', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const missing = envVariables.filter((variable) => !readme.includes(`| \`${variable.name}\` |`));
    expect(missing.map((variable) => variable.name)).toEqual([]);
  });

  it('keeps webhooks off until PUBLIC_URL is set, and reads TELEGRAM_API_ROOT', () => {
    expect(loadConfig({}).webhookBaseUrl).toBeUndefined();
    expect(loadConfig({}).telegramApiRoot).toBe('https://api.telegram.org');
    const config = loadConfig({ PUBLIC_URL: 'https://chat.example.com/', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' });
    expect(config.webhookBaseUrl).toBe('https://chat.example.com');
    expect(config.telegramApiRoot).toBe('http://127.0.0.1:8081');
    expect(() => loadConfig({ TELEGRAM_API_ROOT: 'ftp://bots' })).toThrow(/TELEGRAM_API_ROOT/);
  });
});
