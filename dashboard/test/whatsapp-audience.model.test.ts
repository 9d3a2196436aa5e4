import { describe, expect, it } from 'vitest';
import { audienceErrors, audienceFieldOf, groupChoices, groupsProblem, parseWhitelist, toggleGroup, toWhatsAppSettings, whitelistProblem, whitelistText } from '../src/app/channels/whatsapp/whatsapp-audience.model.ts';

describe('the whitelist box', () => {
  it('reads one number per line, dropping blanks, repeats and the way people write numbers', () => {
    expect(parseWhitelist(' +212 612-34 56 78\n\n0033 (6) 12.34.56.78\r\n212612345678\n')).toEqual(['212612345678', '33612345678']);
  });

  it('is empty when nothing but blank lines is written, so the bot answers everyone', () => {
    expect(parseWhitelist('  \n\n')).toEqual([]);
    expect(whitelistProblem('  \n')).toBeUndefined();
  });

  it('shows the stored numbers one per line and reads them back unchanged', () => {
    const stored = ['212612345678', '4915112345678'];
    expect(parseWhitelist(whitelistText(stored))).toEqual(stored);
  });

  it('names the first line that is not 6 to 20 digits', () => {
    expect(whitelistProblem('212612345678\n12345')).toContain('"12345"');
    expect(whitelistProblem('212 61x 345')).toContain('"21261x345"');
    expect(whitelistProblem('1'.repeat(21))).toContain('not a phone number');
    expect(whitelistProblem('123456\n' + '1'.repeat(20))).toBeUndefined();
  });

  it('refuses more numbers than the hub stores', () => {
    const many = Array.from({ length: 5_001 }, (_, i) => String(100_000 + i)).join('\n');
    expect(whitelistProblem(many)).toBe('Use at most 5000 numbers.');
  });
});

describe('the group choices', () => {
  it('ticks the listed groups that are enabled and names unnamed ones by id', () => {
    const rows = groupChoices([{ id: '1203-1@g.us', name: 'Wholesale' }, { id: '1203-2@g.us' }], ['1203-2@g.us']);
    expect(rows).toEqual([
      { id: '1203-1@g.us', name: 'Wholesale', enabled: false },
      { id: '1203-2@g.us', name: '1203-2@g.us', enabled: true },
    ]);
  });

  it('keeps enabled groups the session did not list, so they can be switched off while it is stopped', () => {
    expect(groupChoices(null, ['1203-9@g.us'])).toEqual([{ id: '1203-9@g.us', name: '1203-9@g.us', enabled: true }]);
    expect(groupChoices([{ id: '1203-1@g.us', name: 'A' }], ['1203-9@g.us']).map((row) => row.id)).toEqual(['1203-1@g.us', '1203-9@g.us']);
  });

  it('keeps a stored group that the session did not list once it is unticked, so it can be ticked again', () => {
    expect(groupChoices(null, [], ['1203-9@g.us'])).toEqual([{ id: '1203-9@g.us', name: '1203-9@g.us', enabled: false }]);
    expect(groupChoices([{ id: '1203-9@g.us', name: 'Team' }], [], ['1203-9@g.us'])).toEqual([{ id: '1203-9@g.us', name: 'Team', enabled: false }]);
  });

  it('adds a ticked group once and removes an unticked one', () => {
    expect(toggleGroup(['a@g.us'], 'b@g.us', true)).toEqual(['a@g.us', 'b@g.us']);
    expect(toggleGroup(['a@g.us', 'b@g.us'], 'b@g.us', true)).toEqual(['a@g.us', 'b@g.us']);
    expect(toggleGroup(['a@g.us', 'b@g.us'], 'a@g.us', false)).toEqual(['b@g.us']);
  });

  it('refuses ids that are not WhatsApp group ids', () => {
    expect(groupsProblem(['120363-1@g.us'])).toBeUndefined();
    expect(groupsProblem(['212612345678@c.us'])).toContain('not a WhatsApp group id');
  });
});

describe('saving', () => {
  it('sends the parsed whitelist and the enabled groups without repeats', () => {
    expect(toWhatsAppSettings('+212 612345678\n', ['1-1@g.us', '1-1@g.us'])).toEqual({ whitelist: ['212612345678'], enabledGroups: ['1-1@g.us'] });
  });

  it('puts a refused entry on its box', () => {
    expect(audienceFieldOf('body/whitelist/0')).toBe('whitelist');
    expect(audienceFieldOf('/enabledGroups/2')).toBe('enabledGroups');
    expect(audienceFieldOf('body')).toBeUndefined();
  });

  it("names the refused number in the hub's issue and leaves other issues to the form's alert", () => {
    const sent = { whitelist: ['212612345678', '4915'], enabledGroups: ['1-1@g.us'] };
    expect(audienceErrors([{ path: 'body/whitelist/1', message: 'must match pattern "^[0-9]{6,20}$"' }], sent)).toEqual({ whitelist: '"4915": must match pattern "^[0-9]{6,20}$"' });
    expect(audienceErrors([{ path: 'body/enabledGroups', message: 'must NOT have more than 1000 items' }], sent)).toEqual({ enabledGroups: 'must NOT have more than 1000 items' });
    expect(audienceErrors([{ path: 'body', message: 'must NOT have additional properties' }], sent)).toEqual({});
  });
});
