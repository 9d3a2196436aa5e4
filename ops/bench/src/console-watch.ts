import type { Socket } from 'socket.io-client';
import { messageOfFrame } from './socket-clients.ts';

/** A customer message's text carrying the phase and sequence the console watch reads back. */
export const benchText = (phase: string, sequence: number) =>
  `Do you ship to Casablanca, and how long does delivery usually take? [bench ${phase} ${sequence}]`;

const tagPattern = /\[bench (\w+) (\d+)\]$/;

interface Phase {
  seenAt: Float64Array;
  seen: number;
  conversations: Set<string>;
}

/**
 * The agent's console, as the end of the pipeline: counts the `message.created` frames of
 * customer messages per bench phase (read from the tag in their text) with the time each
 * arrived, and which conversations the bot has answered.
 */
export class ConsoleWatch {
  private readonly phases = new Map<string, Phase>();
  private readonly answered = new Set<string>();

  constructor(socket: Socket) {
    socket.on('message.created', (frame: unknown) => this.onFrame(frame));
  }

  /** Starts counting `phase`, whose messages are numbered 0..count-1. */
  expect(phase: string, count: number): Phase {
    const entry: Phase = { seenAt: new Float64Array(count), seen: 0, conversations: new Set() };
    this.phases.set(phase, entry);
    return entry;
  }

  /** Conversations of `phase` the bot has replied in. */
  answeredIn(phase: string): number {
    let answered = 0;
    for (const id of this.phases.get(phase)?.conversations ?? []) if (this.answered.has(id)) answered += 1;
    return answered;
  }

  private onFrame(frame: unknown): void {
    const now = performance.now();
    const message = messageOfFrame(frame);
    if (!message) return;
    if (message.authorKind === 'bot') {
      this.answered.add(message.conversationId);
      return;
    }
    if (message.authorKind !== 'customer') return;
    const tag = tagPattern.exec(message.text);
    const phase = tag ? this.phases.get(tag[1] ?? '') : undefined;
    const sequence = Number(tag?.[2]);
    if (!phase || !(sequence < phase.seenAt.length) || phase.seenAt[sequence] !== 0) return;
    phase.seenAt[sequence] = now;
    phase.seen += 1;
    phase.conversations.add(message.conversationId);
  }
}
