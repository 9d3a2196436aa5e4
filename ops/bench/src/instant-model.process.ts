import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A model server that answers every chat completion at once with the same structured answer, in
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

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
