import { assign, sendTo, setup } from 'xstate';
import { whatsAppClientActor, type ClientActorInput, type ClientEvent } from './whatsapp-client.actor.ts';

export interface SessionMachineInput extends ClientActorInput {
  channelId: string;
  /** Restarts after a disconnection or a failed start before the session is `failed`. */
  maxAttempts: number;
  /** Wait before the n-th restart (1-based), ms. */
  backoffMs: (attempt: number) => number;
}

export interface SessionContext extends SessionMachineInput {
  /** Restarts since the session was last ready. */
  attempt: number;
  qr: string | undefined;
  account: string | undefined;
  reason: string | undefined;
}

export type SessionCommand = { type: 'session.start' } | { type: 'session.stop' } | { type: 'session.logout' };
export type SessionEvent = SessionCommand | ClientEvent;

/**
 * Supervises one WhatsApp channel's session: `running` holds one client (its substates follow
 * whatsapp-web.js: starting → qr (as often as the QR rotates) → authenticated → ready); any
 * disconnection or failed start leaves `running`, which destroys the client, and the session
 * restarts after an exponential backoff until `maxAttempts` restarts in a row failed (then
 * `failed`, until someone starts it again). A refused saved login fails at once: retrying the
 * same credentials cannot help. The machine does no I/O itself; the client actor does.
 */
export const whatsAppSessionMachine = setup({
  types: {
    context: {} as SessionContext,
    input: {} as SessionMachineInput,
    events: {} as SessionEvent,
  },
  actors: { client: whatsAppClientActor },
  delays: {
    backoff: ({ context }) => context.backoffMs(context.attempt),
  },
  guards: {
    mayRetry: ({ context }) => context.attempt < context.maxAttempts,
  },
  actions: {
    rememberReason: assign({ reason: ({ event }) => ('reason' in event ? event.reason : undefined) }),
    forgetAttempts: assign({ attempt: 0, reason: undefined }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({ ...input, attempt: 0, qr: undefined, account: undefined, reason: undefined }),
  initial: 'running',
  states: {
    running: {
      invoke: {
        id: 'client',
        src: 'client',
        input: ({ context }) => ({ createClient: context.createClient, attach: context.attach, track: context.track }),
      },
      initial: 'starting',
      on: {
        'client.disconnected': { target: 'disconnected', actions: 'rememberReason' },
        'client.failed': { target: 'disconnected', actions: 'rememberReason' },
        'client.auth_failure': { target: 'failed', actions: 'rememberReason' },
        'session.stop': { target: 'stopped' },
        'session.logout': { target: '.loggingOut' },
      },
      states: {
        starting: {
          on: {
            'client.qr': { target: 'qr', actions: assign({ qr: ({ event }) => event.qr }) },
            'client.authenticated': { target: 'authenticated' },
            'client.ready': { target: 'ready', actions: assign({ account: ({ event }) => event.account }) },
          },
        },
        qr: {
          on: {
            // The QR rotates (about every 20 s) until the phone scans one.
            'client.qr': { actions: assign({ qr: ({ event }) => event.qr }) },
            'client.authenticated': { target: 'authenticated', actions: assign({ qr: undefined }) },
            'client.ready': { target: 'ready', actions: assign({ qr: undefined, account: ({ event }) => event.account }) },
          },
        },
        authenticated: {
          on: {
            'client.ready': { target: 'ready', actions: assign({ account: ({ event }) => event.account }) },
          },
        },
        ready: {
          entry: ['forgetAttempts', assign({ qr: undefined })],
          on: {
            // The phone unlinked the device: whatsapp-web.js shows a fresh QR in the same page.
            'client.qr': { target: 'qr', actions: assign({ qr: ({ event }) => event.qr }) },
          },
        },
        loggingOut: {
          entry: sendTo('client', { type: 'logout' }),
          on: {
            'client.logged_out': { target: '#session.stopped' },
            'client.disconnected': { target: '#session.stopped' },
          },
        },
      },
    },
    // Observable for a moment (the console shows why), then a restart or, past the limit, failed.
    disconnected: {
      after: {
        0: [
          { guard: 'mayRetry', target: 'reconnecting' },
          {
            target: 'failed',
            actions: assign({ reason: ({ context }) => `gave up after ${context.maxAttempts} restarts: ${context.reason ?? 'unknown reason'}`.slice(0, 500) }),
          },
        ],
      },
      on: { 'session.stop': 'stopped', 'session.logout': 'stopped', 'session.start': { target: 'running', actions: 'forgetAttempts' } },
    },
    reconnecting: {
      entry: assign({ attempt: ({ context }) => context.attempt + 1 }),
      after: { backoff: { target: 'running' } },
      on: { 'session.stop': 'stopped', 'session.logout': 'stopped', 'session.start': { target: 'running' } },
    },
    failed: {
      on: { 'session.start': { target: 'running', actions: 'forgetAttempts' }, 'session.stop': 'stopped', 'session.logout': 'stopped' },
    },
    stopped: {
      entry: assign({ qr: undefined }),
      on: { 'session.start': { target: 'running', actions: 'forgetAttempts' } },
    },
  },
});

/** The console's name for a snapshot's state (`running.qr` → `qr`). */
export function sessionStateOf(value: unknown): 'starting' | 'qr' | 'authenticated' | 'ready' | 'disconnected' | 'reconnecting' | 'failed' | 'stopped' {
  if (typeof value === 'string') return value as 'disconnected' | 'reconnecting' | 'failed' | 'stopped';
  const running = (value as { running?: string }).running;
  return running === 'loggingOut' || running === undefined ? 'stopped' : (running as 'starting' | 'qr' | 'authenticated' | 'ready');
}

/** The default wait before the n-th restart: 1 s, 2 s, 4 s, … up to a minute. */
export function whatsAppBackoff(attempt: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}
