import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A model server that answers every chat completion at once with the same structured answer (as
 * one JSON body, or as server-sent events when the request streams), in
 * its own process (as a real model server would be), so the AI benchmark's process only does
 * the AI actor's work. Prints its base URL on the first line of stdout.
 */
const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: Math.floor(Date.now() / 1000),
  model: 'bench-model',
  choices: [{
    index: 0,
    finish_reason: 'stop',
    message: { role: 'assistant', content: JSON.stringify({ intent: 'reply', confidence: 0.9, reply: 'Yes, we ship to Casablanca in 2 days.', actions: [] }) },
  }],
  usage: { prompt_tokens: 200, completion_tokens: 20, total_tokens: 220 },
});

const content = JSON.stringify({ intent: 'reply', confidence: 0.9, reply: 'Yes, we ship to Casablanca in 2 days.', actions: [] });
const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
// A streamed answer in four pieces, then the usage, as OpenAI sends it with `stream_options.include_usage`.
const quarter = Math.ceil(content.length / 4);
const streamed = [
  chunk({ role: 'assistant', content: '' }),
  ...[0, 1, 2, 3].map((index) => chunk({ content: content.slice(index * quarter, (index + 1) * quarter) })),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench-model', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench-model', choices: [], usage: { prompt_tokens: 200, completion_tokens: 20, total_tokens: 220 } })}\n\n`,
  'data: [DONE]\n\n',
].join('');

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => {
    const stream = Buffer.concat(parts).includes('"stream":true');
    if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(streamed);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
