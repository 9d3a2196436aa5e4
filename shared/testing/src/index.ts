export { testLogger } from './test-logger.ts';
export { eventually } from './eventually.ts';
export { inboundMessageFixture } from './fixtures.ts';
export { startSmtpCapture, type CapturedMail, type SmtpCapture } from './smtp-capture.ts';
export { testSecretKey } from './test-secret-key.ts';
export {
  startFakeOpenAiServer,
  type FakeOpenAiReply,
  type FakeOpenAiRequest,
  type FakeOpenAiServer,
  type FakeToolCall,
  type FakeUsage,
} from './fake-openai-server.ts';
export {
  startFakeTelegramServer,
  type FakeTelegramBot,
  type FakeTelegramCall,
  type FakeTelegramFailure,
  type FakeTelegramServer,
} from './fake-telegram-server.ts';
export { docxWithBlocks, pdfWithText } from './fixture-documents.ts';
