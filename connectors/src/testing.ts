/** Fakes for other libraries' tests: WhatsApp's side of a session, which tests cannot reach. */
export { FakeWhatsApp, FakeWhatsAppClient, type FakeInboundMessage } from './whatsapp/testing/fake-whatsapp.ts';
