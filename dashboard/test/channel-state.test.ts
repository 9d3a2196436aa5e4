import type { ChannelStatusChanged, ChannelView } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { describeState, formatBytes, newerStatus, toChannelCard, widgetSnippet } from '../src/app/channels/channel-state.ts';

const view: ChannelView = {
  id: 'e0ac447a-cc68-41b0-9df3-3731a9b8c6e0',
  type: 'whatsapp',
  name: 'Sales line',
  allowedOrigins: [],
  enforceIdentity: false,
  status: 'stopped',
  createdAt: '2026-12-01T10:00:00.000Z',
};

function status(state: ChannelStatusChanged['state'], at: string, extra: Partial<ChannelStatusChanged> = {}): ChannelStatusChanged {
  return { channelId: view.id, channelType: 'whatsapp', state, at, ...extra };
}

describe('a channel card', () => {
  it('shows the stored status until the session reports one', () => {
    const card = toChannelCard(view, undefined);
    expect(card.state).toBe('stopped');
    expect(card).not.toHaveProperty('rssBytes');
  });

  it('takes state, account, reason, node and memory from the live status', () => {
    const card = toChannelCard(view, status('reconnecting', '2026-12-01T10:01:00.000Z', { account: '+49 151', reason: 'Phone offline', node: 'c-1', rssBytes: 1024 }));
    expect(card).toMatchObject({ state: 'reconnecting', account: '+49 151', reason: 'Phone offline', node: 'c-1', rssBytes: 1024, stateAt: '2026-12-01T10:01:00.000Z' });
  });

  it('keeps the newer of two statuses when a replay delivers an older one late', () => {
    const newer = status('ready', '2026-12-01T10:02:00.000Z');
    const older = status('qr', '2026-12-01T10:01:00.000Z');
    expect(newerStatus(newer, older)).toBe(newer);
    expect(newerStatus(older, newer)).toBe(newer);
  });

  it('names session states and stored statuses, with a tone for the badge', () => {
    expect(describeState('ready')).toEqual({ label: 'Connected', tone: 'positive' });
    expect(describeState('failed').tone).toBe('danger');
    expect(describeState('active')).toEqual({ label: 'Active', tone: 'positive' });
    expect(describeState('something_new')).toEqual({ label: 'Something new', tone: 'neutral' });
  });
});

describe('the page', () => {
  it('reads memory in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(231_000_000)).toBe('220 MB');
  });

  it('embeds the widget with the channel key, escaped for the attribute', () => {
    expect(widgetSnippet('https://chat.example.com', 'wk_1')).toBe('<script src="https://chat.example.com/widget.js" data-key="wk_1" async></script>');
    expect(widgetSnippet('https://x', 'a"b')).toContain('data-key="a&quot;b"');
  });
});
