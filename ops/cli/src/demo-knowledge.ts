import type { DemoTenant } from '@switchboard/hub';
import type { Logger } from 'pino';

/** The demo shop's policies, so the offline bot answers from a document, citing it, from the first start. */
const document = `# Shipping

We ship every order from our workshop in Lyon. Orders to France arrive in 2 working days; the rest
of the European Union takes 3 to 5 working days. We also ship to Morocco: orders to Casablanca,
Rabat and Marrakesh arrive in 5 to 7 working days. Shipping is free from €60, otherwise it is €6.

# Returns

You can return any item within 30 days of delivery, unused and in its box. Write to us in this chat
with your order number and we send a prepaid return label; the refund reaches your card within 5
working days of the item coming back.

# Payment

We accept Visa, Mastercard, American Express, PayPal and Apple Pay. Prices include VAT.

# Product care

Wash the Linen Throw Pillow cover at 30 °C and dry it flat. Oil the Walnut Desk Tray with a food-safe
oil twice a year. The Ceramic Pour-Over is dishwasher safe.
`;

/**
 * Adds the demo shop's policies to the demo workspace's knowledge base through the hub's own API,
 * as its owner would (the hub indexes it in the background). Only for a workspace just created,
 * so an owner's own changes to the demo stay as they are.
 */
export async function seedDemoKnowledge(hubUrl: string, demo: DemoTenant, logger: Logger): Promise<void> {
  const owner = demo.logins.find((login) => login.role === 'owner');
  if (!demo.created || owner === undefined) return;
  try {
    const login = await fetch(`${hubUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: owner.email, password: owner.password }),
    });
    const session = (await login.json()) as { accessToken?: string };
    if (!login.ok || session.accessToken === undefined) throw new Error(`sign-in answered ${login.status}`);
    const upload = await fetch(`${hubUrl}/api/v1/knowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
      body: JSON.stringify({ source: 'shipping-and-returns.md', format: 'markdown', content: document }),
    });
    if (!upload.ok) throw new Error(`the upload answered ${upload.status} ${await upload.text()}`);
    logger.info('demo knowledge base seeded: shipping-and-returns.md');
  } catch (error) {
    // The demo works without it; the bot then answers from its fallback.
    logger.warn({ err: error }, 'could not seed the demo knowledge base');
  }
}
