import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001TenantContext } from './0001-tenant-context.migration.ts';
import { Migration0002Identity } from './0002-identity.migration.ts';
import { Migration0003Conversations } from './0003-conversations.migration.ts';
import { Migration0004LiveInbox } from './0004-live-inbox.migration.ts';
import { Migration0005ConversationSteps } from './0005-conversation-steps.migration.ts';
import { Migration0006Knowledge } from './0006-knowledge.migration.ts';
import { Migration0007AiUsage } from './0007-ai-usage.migration.ts';
import { Migration0008Telegram } from './0008-telegram.migration.ts';
import { Migration0009WhatsApp } from './0009-whatsapp.migration.ts';
import { Migration0010KnowledgeIngestion } from './0010-knowledge-ingestion.migration.ts';
import { Migration0011Media } from './0011-media.migration.ts';
import { Migration0012ChannelRemoval } from './0012-channel-removal.migration.ts';
import { Migration0014RunnerPartitions } from './0014-runner-partitions.migration.ts';

/**
 * Every migration, in order. Listed explicitly rather than discovered by glob, so the same
 * list works from TypeScript sources (tsx) and from a bundle.
 */
export const migrations: MigrationObject[] = [
  { name: '0001-tenant-context', class: Migration0001TenantContext },
  { name: '0002-identity', class: Migration0002Identity },
  { name: '0003-conversations', class: Migration0003Conversations },
  { name: '0004-live-inbox', class: Migration0004LiveInbox },
  { name: '0005-conversation-steps', class: Migration0005ConversationSteps },
  { name: '0006-knowledge', class: Migration0006Knowledge },
  { name: '0007-ai-usage', class: Migration0007AiUsage },
  { name: '0008-telegram', class: Migration0008Telegram },
  { name: '0009-whatsapp', class: Migration0009WhatsApp },
  { name: '0010-knowledge-ingestion', class: Migration0010KnowledgeIngestion },
  { name: '0011-media', class: Migration0011Media },
  { name: '0012-channel-removal', class: Migration0012ChannelRemoval },
  { name: '0014-runner-partitions', class: Migration0014RunnerPartitions },
];
