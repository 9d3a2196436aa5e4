/** Header names Switchboard sets on every bus message, besides JetStream's `Nats-Msg-Id`. */
export const busHeaders = {
  msgId: 'Nats-Msg-Id',
  traceId: 'Sb-Trace-Id',
  tenantId: 'Sb-Tenant-Id',
  type: 'Sb-Type',
  parkReason: 'Sb-Park-Reason',
  parkConsumer: 'Sb-Park-Consumer',
  parkSubject: 'Sb-Park-Subject',
} as const;
