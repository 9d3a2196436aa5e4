import { fromCallback } from 'xstate';
import type { WhatsAppClient } from './whatsapp-client.ts';

/** What the client actor tells the session machine: whatsapp-web.js's events, translated. */
export type ClientEvent =
  | { type: 'client.qr'; qr: string }
  | { type: 'client.authenticated' }
  | { type: 'client.ready'; account?: string }
  | { type: 'client.disconnected'; reason: string }
  | { type: 'client.auth_failure'; reason: string }
  /** `initialize()` rejected: Chromium did not start, or WhatsApp Web could not be reached. */
  | { type: 'client.failed'; reason: string }
  | { type: 'client.state'; state: string }
  | { type: 'client.logged_out' };

export type ClientCommand = { type: 'logout' };

export interface ClientActorInput {
  /** Builds a fresh client (the factory, bound to this session's auth folder). */
  createClient: () => WhatsAppClient;
  /** Wires the connector's message listeners to a new client; answers how to unwire them. */
  attach: (client: WhatsAppClient) => () => void;
  /** Receives the closing of a client, so whoever stops the session can wait for Chromium to exit. */
  track: (closing: Promise<void>) => void;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 480);

/**
 * One whatsapp-web.js client for as long as the session machine stays in `running`: it is built
 * and initialised on entry, its events are sent to the machine, and it is destroyed (Chromium
 * closed) on exit, whatever the reason. Nothing here decides what to do next; the machine does.
 */
export const whatsAppClientActor = fromCallback<ClientCommand, ClientActorInput, ClientEvent>(({ input, sendBack, receive }) => {
  let closed = false;
  const send = (event: ClientEvent) => {
    if (!closed) sendBack(event);
  };
  let client: WhatsAppClient;
  try {
    client = input.createClient();
  } catch (error) {
    queueMicrotask(() => send({ type: 'client.failed', reason: reasonOf(error) }));
    return () => {
      closed = true;
    };
  }
  client.on('qr', (qr) => send({ type: 'client.qr', qr }));
  client.on('authenticated', () => send({ type: 'client.authenticated' }));
  client.on('auth_failure', (message) => send({ type: 'client.auth_failure', reason: `WhatsApp refused the saved login: ${message}` }));
  client.on('ready', () => {
    const account = client.info?.wid.user ?? client.info?.wid._serialized.split('@')[0];
    send({ type: 'client.ready', ...(account ? { account } : {}) });
  });
  client.on('disconnected', (reason) => send({ type: 'client.disconnected', reason: `WhatsApp disconnected the session (${reason})` }));
  client.on('change_state', (state) => send({ type: 'client.state', state }));
  const detach = input.attach(client);
  const initializing = client.initialize().then(
    () => undefined,
    (error: unknown) => send({ type: 'client.failed', reason: `could not open WhatsApp Web: ${reasonOf(error)}` }),
  );

  receive((command) => {
    if (command.type === 'logout') {
      // Logging out of a session that never got ready has nothing to tell WhatsApp.
      void client.logout().catch(() => undefined).finally(() => send({ type: 'client.logged_out' }));
    }
  });

  return () => {
    closed = true;
    detach();
    // Destroy now, and again once initialize() settles: a browser still launching when the
    // session stopped would otherwise outlive it.
    const destroy = () => client.destroy().catch(() => undefined);
    input.track(destroy().then(() => initializing).then(destroy).finally(() => client.removeAllListeners()));
  };
});
