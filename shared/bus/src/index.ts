export { Bus, connectBus, type BusOptions, type ConsumeContext, type ConsumeOptions, type ConsumerHandle, type PublishOptions } from './bus.ts';
export { busHeaders } from './bus-headers.ts';
export { createEnvelope, newTraceId } from './envelope-factory.ts';
export { decodeEnvelope, type Decoded } from './envelope-decoder.ts';
export { provisionConsumer, provisionStreams, streamDefinitions, type DurableConsumerDefinition, type StreamDefinition } from './streams.ts';
export { requestReply, serveRequests, type RequestOptions, type ServeContext } from './request-reply.ts';
export { channelMediaId, inboundDedupeKey, inboundMessageId } from './message-id.ts';
