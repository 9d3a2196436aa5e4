import { randomUUID } from 'node:crypto';
import type { Subscription } from '@nats-io/transport-node';
import type { Bus } from '@switchboard/bus';
import { checkSchema, LiveSignal, subjects, type PresenceStatus, type PresenceView } from '@switchboard/contracts';
import type { Logger } from 'pino';

type TypingSignal = Extract<LiveSignal, { kind: 'typing' }>;
type PresenceSignal = Extract<LiveSignal, { kind: 'presence' }>;
export type ReplySignal = Extract<LiveSignal, { kind: 'reply' }>;

export interface LiveSignalSinks {
  typing(tenantId: string, signal: TypingSignal): void;
  /** The bot's reply streaming, from the runner's AI actor. */
  reply(tenantId: string, signal: ReplySignal): void;
  presence(tenantId: string, presence: PresenceView): void;
}

interface AgentPresence {
  name?: string | undefined;
  /** Per hub: its status for the agent and when it last said so. */
  hubs: Map<string, { status: PresenceStatus; at: number }>;
}

const REANNOUNCE_MS = 30_000;
const EXPIRE_MS = 75_000;
const rank: Record<PresenceStatus, number> = { offline: 0, away: 1, online: 2 };

/**
 * Typing and presence between hubs over core NATS (`sb.live.<tenant>`): what one hub's socket
 * says reaches the consoles and widgets on every hub. Presence is each agent's best status over
 * all hubs; every hub re-announces its agents every 30 s, so a hub that died stops counting
 * after 75 s.
 */
export class LiveSignals {
  readonly hubId = randomUUID();
  private readonly presence = new Map<string, Map<string, AgentPresence>>();
  /** This hub's own agents: tenant → agent → sockets and chosen status. */
  private readonly local = new Map<string, Map<string, { sockets: number; status: 'online' | 'away'; name?: string | undefined }>>();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bus: Bus, private readonly sinks: LiveSignalSinks, private readonly logger: Logger) {}

  start(): void {
    const subscription = this.bus.nc.subscribe(subjects.all.live);
    this.subscription = subscription;
    void (async () => {
      for await (const message of subscription) {
        const tenantId = message.subject.split('.')[2];
        let parsed: unknown;
        try {
          parsed = JSON.parse(new TextDecoder().decode(message.data));
        } catch {
          continue;
        }
        const check = checkSchema(LiveSignal, parsed);
        if (!check.ok || tenantId === undefined) continue;
        if (check.value.kind === 'typing') this.sinks.typing(tenantId, check.value);
        else if (check.value.kind === 'reply') this.sinks.reply(tenantId, check.value);
        else this.applyPresence(tenantId, check.value);
      }
    })().catch((error: unknown) => this.logger.warn({ err: error }, 'live signals stopped'));
    this.timer = setInterval(() => this.reannounce(), REANNOUNCE_MS);
    this.timer.unref();
  }

  typing(tenantId: string, signal: Omit<TypingSignal, 'kind'>): void {
    this.bus.publishTransient(subjects.live(tenantId), { kind: 'typing', ...signal } satisfies TypingSignal);
  }

  /** An agent's socket connected (`delta` 1) or went away (-1) on this hub. */
  agentConnection(tenantId: string, agentId: string, name: string | undefined, delta: 1 | -1): void {
    const agents = this.local.get(tenantId) ?? new Map();
    this.local.set(tenantId, agents);
    const entry = agents.get(agentId) ?? { sockets: 0, status: 'online' as const, name };
    entry.sockets += delta;
    if (entry.sockets <= 0) agents.delete(agentId);
    else agents.set(agentId, entry);
    this.announce(tenantId, agentId, name, entry.sockets > 0 ? entry.status : 'offline');
  }

  setStatus(tenantId: string, agentId: string, status: 'online' | 'away'): void {
    const entry = this.local.get(tenantId)?.get(agentId);
    if (!entry) return;
    entry.status = status;
    this.announce(tenantId, agentId, entry.name, status);
  }

  /** Every agent of the tenant with a status other than offline, over all hubs. */
  list(tenantId: string): PresenceView[] {
    const agents = this.presence.get(tenantId);
    if (!agents) return [];
    return [...agents.entries()].map(([agentId, agent]) => this.view(agentId, agent)).filter((view) => view.status !== 'offline');
  }

  stop(): void {
    clearInterval(this.timer);
    for (const [tenantId, agents] of this.local) for (const [agentId, entry] of agents) this.announce(tenantId, agentId, entry.name, 'offline');
    this.subscription?.unsubscribe();
  }

  private announce(tenantId: string, agentId: string, name: string | undefined, status: PresenceStatus): void {
    const signal: PresenceSignal = { kind: 'presence', hubId: this.hubId, agentId, status, at: new Date().toISOString(), ...(name ? { name } : {}) };
    this.bus.publishTransient(subjects.live(tenantId), signal);
  }

  private reannounce(): void {
    for (const [tenantId, agents] of this.local) for (const [agentId, entry] of agents) this.announce(tenantId, agentId, entry.name, entry.status);
    // Forget hubs that stopped announcing (a crashed hub), telling consoles when that changes an agent.
    for (const [tenantId, agents] of this.presence) {
      for (const [agentId, agent] of agents) {
        const before = this.view(agentId, agent).status;
        for (const [hubId, seen] of agent.hubs) if (Date.now() - seen.at > EXPIRE_MS) agent.hubs.delete(hubId);
        const after = this.view(agentId, agent);
        if (after.status !== before) this.sinks.presence(tenantId, after);
        if (agent.hubs.size === 0) agents.delete(agentId);
      }
    }
  }

  private applyPresence(tenantId: string, signal: PresenceSignal): void {
    const agents = this.presence.get(tenantId) ?? new Map<string, AgentPresence>();
    this.presence.set(tenantId, agents);
    const agent = agents.get(signal.agentId) ?? { name: signal.name, hubs: new Map() };
    agents.set(signal.agentId, agent);
    const before = this.view(signal.agentId, agent).status;
    if (signal.name) agent.name = signal.name;
    if (signal.status === 'offline') agent.hubs.delete(signal.hubId);
    else agent.hubs.set(signal.hubId, { status: signal.status, at: Date.now() });
    const after = this.view(signal.agentId, agent);
    if (after.status !== before) this.sinks.presence(tenantId, after);
    if (agent.hubs.size === 0) agents.delete(signal.agentId);
  }

  private view(agentId: string, agent: AgentPresence): PresenceView {
    let status: PresenceStatus = 'offline';
    let at = 0;
    for (const seen of agent.hubs.values()) {
      if (rank[seen.status] > rank[status]) status = seen.status;
      at = Math.max(at, seen.at);
    }
    return { agentId, status, lastSeenAt: new Date(at || Date.now()).toISOString(), ...(agent.name ? { name: agent.name } : {}) };
  }
}
