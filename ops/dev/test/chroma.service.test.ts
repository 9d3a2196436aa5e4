import { afterAll, describe, expect, it } from 'vitest';
import { startChroma } from '../src/chroma.service.ts';
import { isGone, tempDirs } from './temp-dir.ts';

const dirs = tempDirs('chroma-service-test');
afterAll(() => dirs.removeAll());

describe('startChroma', () => {
  it('starts a Chroma server that answers its heartbeat and leaves no process once stopped', async () => {
    const chroma = await startChroma({ dataDir: await dirs.make() });
    try {
      expect(chroma.url).toBe(`http://127.0.0.1:${chroma.port}`);
      const response = await fetch(`${chroma.url}/api/v2/heartbeat`);
      expect(response.status).toBe(200);
      expect(await response.json()).toHaveProperty(['nanosecond heartbeat']);
    } finally {
      await chroma.stop();
    }
    expect(isGone(chroma.pid)).toBe(true);
  });
});
