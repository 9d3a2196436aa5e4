/**
 * Every environment variable Switchboard reads, in one table. `loadConfig` parses them and the
 * README's configuration table is checked against this list by a test, so neither can drift.
 */
export interface EnvVariable {
  name: string;
  description: string;
  /** Shown in the README; `undefined` means unset unless you set it. */
  defaultValue?: string;
}

export const envVariables = [
  { name: 'PORT', description: 'TCP port the hub listens on.', defaultValue: '3000' },
  { name: 'HOST', description: 'Interface the hub binds to. Use `0.0.0.0` to accept connections from other machines.', defaultValue: '127.0.0.1' },
  { name: 'PUBLIC_URL', description: 'The address people and webhooks reach the hub at (e.g. `https://chat.example.com`). Printed at start; used for links and webhooks. Only when it is set does adding a Telegram channel in webhook mode register the webhook with Telegram.', defaultValue: 'http://localhost:PORT' },
  { name: 'LOG_LEVEL', description: 'pino log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.', defaultValue: 'info' },
  { name: 'DATA_DIR', description: 'Folder for the embedded services\' data (NATS JetStream, PostgreSQL, Chroma) and local files.', defaultValue: '.data' },
  { name: 'NATS_URL', description: 'NATS server with JetStream (comma-separated for a cluster). When unset, `npm start` runs an embedded nats-server.' },
  { name: 'DATABASE_URL', description: 'PostgreSQL connection URL. When unset, `npm start` runs an embedded PostgreSQL.' },
  { name: 'CHROMA_URL', description: 'Chroma server URL. When unset, `npm start` runs an embedded Chroma.' },
  { name: 'REDIS_URL', description: 'Redis URL. Optional; needed only when more than one hub runs (Socket.IO adapter, shared rate-limit counters).' },
  { name: 'SECRET_KEY', description: 'At least 32 random characters; signs access tokens and encrypts secrets at rest (MFA secrets, channel credentials). `npm start` generates one into `DATA_DIR/secret.key` when unset. Changing it signs everyone out and makes stored secrets unreadable.' },
  { name: 'DATABASE_APP_URL', description: 'PostgreSQL URL of the role the application runs as (no table ownership, no BYPASSRLS). When unset, the role `switchboard_app` is created by the migrations and its password derived from `SECRET_KEY`; the `DATABASE_URL` role then needs CREATEROLE.' },
  { name: 'SMTP_URL', description: 'SMTP server for verification, invitation and password-reset mail, e.g. `smtps://user:pass@smtp.example.com:465`. When unset, mail is written to `DATA_DIR/mail/` and its links logged.' },
  { name: 'MAIL_FROM', description: 'Sender address of Switchboard\'s mail.', defaultValue: 'Switchboard <no-reply@localhost>' },
  { name: 'COOKIE_SECURE', description: 'Mark session cookies `Secure` (HTTPS only). Defaults to true when `PUBLIC_URL` is https.', defaultValue: 'auto' },
  { name: 'TRUST_PROXY', description: 'Which proxies may set `X-Forwarded-For` (the client address used by rate limits and the audit log): `false`, a hop count such as `1`, or comma-separated addresses/CIDRs of your load balancers. `true` trusts anyone and lets clients pick their own address.', defaultValue: 'false' },
  { name: 'DASHBOARD_DIR', description: 'Folder with the built console served at `/`.', defaultValue: 'dist/dashboard/browser' },
  { name: 'OPENAI_BASE_URL', description: 'An OpenAI-compatible API (OpenAI `https://api.openai.com/v1`, Ollama `http://host:11434/v1`, vLLM, Mistral, …) that answers for every workspace\'s bot. When unset, the offline responder answers (FAQ, greeting, handoff). A failing or slow provider falls back to the offline responder.' },
  { name: 'OPENAI_API_KEY', description: 'The API key for `OPENAI_BASE_URL` (any non-empty value for servers that need none).' },
  { name: 'OPENAI_MODEL', description: 'The chat model at `OPENAI_BASE_URL`.', defaultValue: 'gpt-4o-mini' },
  { name: 'AI_TIMEOUT_MS', description: 'How long one AI answer may take (at most 14000, below the conversation actor\'s 15 s wait) before the offline responder answers instead.', defaultValue: '10000' },
  { name: 'AI_MONTHLY_TOKEN_BUDGET', description: 'Tokens a workspace\'s bot may use per calendar month (UTC) through the LLM provider, unless the platform set the workspace\'s own budget. Past 80 % the owners get one mail; at 100 % the bot answers from the FAQ and knowledge base and offers a person.', defaultValue: '2000000' },
  { name: 'TELEGRAM_API_ROOT', description: 'The Telegram Bot API the bots talk to: Telegram\'s own, or a self-hosted Bot API server (and a local fake in tests).', defaultValue: 'https://api.telegram.org' },
  { name: 'KNOWLEDGE_URL_ALLOW_PRIVATE', description: 'Set to `true` to let knowledge-base URL imports fetch loopback, private and link-local addresses. Only for tests and closed networks: otherwise an import could read the hub\'s own network.', defaultValue: 'false' },
  { name: 'WIDGET_FILE', description: 'The built storefront chat widget served at `/widget.js` (`npm start` builds it).', defaultValue: 'dist/widget/widget.js' },
  { name: 'SHUTDOWN_TIMEOUT_MS', description: 'How long a graceful shutdown may take before the process exits anyway.', defaultValue: '10000' },
  { name: 'SKIP_DASHBOARD_BUILD', description: 'Set to `true` to make `npm start` serve the console already in `DASHBOARD_DIR` instead of building it first.', defaultValue: 'false' },
  // WhatsApp sessions (connector role)
  { name: 'CHROMIUM_PATH', description: 'The Chromium (or Chrome) binary each WhatsApp session runs; `apt-get install chromium` on Debian. Puppeteer never downloads one (`.puppeteerrc.cjs`).', defaultValue: '/usr/bin/chromium' },
  { name: 'WHATSAPP_AUTH_STORE', description: 'Where WhatsApp logins are kept so a restart needs no new QR: `local` (LocalAuth folders under `DATA_DIR/whatsapp/`, for one connector node) or `postgres` (sealed with `SECRET_KEY` in the database, so a session can move to another node).', defaultValue: 'local' },
  { name: 'WHATSAPP_MAX_SESSIONS', description: 'The most WhatsApp sessions (one Chromium each, about 200 MiB) this connector node runs; the rest wait for another node.', defaultValue: '20' },
  { name: 'MEDIA_MAX_BYTES', description: 'The largest file a customer sends that Switchboard keeps (in PostgreSQL, for the console to show). A larger one is listed on its message by name, type and size, without its bytes. WhatsApp media is downloaded as it arrives; Telegram files when first viewed (the Bot API serves at most 20 MB). Also the largest file an agent uploads, and a widget visitor sends (at most 10 MB there).', defaultValue: '16777216' },
  { name: 'CONNECTOR_NODE', description: 'This connector node\'s name in session leases and in the console\'s channel status.', defaultValue: 'hostname-pid' },
] as const satisfies readonly EnvVariable[];

export type EnvVariableName = (typeof envVariables)[number]['name'];
