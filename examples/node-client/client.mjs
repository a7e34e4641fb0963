// A CommandCenter client in Node.js, built only from the .proto files (no generated code):
// follows health events, ingests samples (and a bad one), resends them, and lists them back.
//
//   npm ci && node client.mjs [--hub localhost:50051] [--project demo] [--token KEY]
//
// The key (an API key from `cc keys create`, or the hub's admin.key) comes from --token, else the
// environment's CC_TOKEN; it is sent as `authorization: Bearer <key>` on every call.
//
// Prints one JSON object with what it saw, and exits 0 when the hub behaved as documented.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoRoot = path.resolve(here, '../../proto/src/main/proto');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const hub = args.hub ?? 'localhost:50051';
const project = args.project ?? 'node-demo';
const token = args.token ?? process.env.CC_TOKEN ?? '';

const definition = protoLoader.loadSync(
  ['commandcenter/v1/telemetry.proto', 'commandcenter/v1/events.proto'],
  { includeDirs: [protoRoot], keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true });
const v1 = grpc.loadPackageDefinition(definition).commandcenter.v1;
const telemetry = new v1.TelemetryService(hub, grpc.credentials.createInsecure());
const events = new v1.EventService(hub, grpc.credentials.createInsecure());
const metadata = () => {
  const m = new grpc.Metadata();
  m.set('x-cc-project', project);
  if (token) m.set('authorization', `Bearer ${token}`);
  return m;
};

const now = Date.now();
const ts = (ms) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const samples = [0, 1, 2].map((i) => ({
  record: { healthSample: { recordId: `node-${now}-${i}`, service: 'node-api', time: ts(now - (3 - i) * 1000),
    latencyMs: 20 + i, errorRate: 0.01, metrics: { queue_depth: i } } },
}));

function ingest(requests) {
  return new Promise((resolve) => {
    const call = telemetry.ingest(metadata(), (error, response) => resolve({ error, response }));
    requests.forEach((r) => call.write(r));
    call.end();
  });
}

function fail(message, detail) {
  console.error(`node client: ${message}`, detail ?? '');
  process.exit(1);
}

// 1. follow hub.health.* and wait until the subscription is live
const received = [];
const stream = events.subscribe({ pattern: 'hub.health.*' }, metadata());
const started = new Promise((resolve, reject) => {
  stream.on('data', (message) => {
    if (message.started) resolve(message.started);
    if (message.event) received.push(message.event);
  });
  stream.on('error', (e) => { if (e.code !== grpc.status.CANCELLED) reject(e); });
});
const subscription = await started;

// 2. ingest three samples, 3. resend them, 4. one bad record among good ones
const first = await ingest(samples);
if (first.error) fail('ingest failed', first.error);
const again = await ingest(samples);
if (again.error) fail('resend failed', again.error);
const bad = { record: { healthSample: { recordId: `node-${now}-bad`, service: 'node-api', time: ts(now), latencyMs: -1 } } };
const rejected = await ingest([bad]);
if (!rejected.error || rejected.error.code !== grpc.status.INVALID_ARGUMENT) fail('bad record was not refused', rejected);

// 5. list them back
const listed = await new Promise((resolve, reject) => telemetry.listHealthSamples(
  { service: 'node-api', pageSize: 10 }, metadata(), (e, r) => (e ? reject(e) : resolve(r))));

// 6. the three events arrive
const deadline = Date.now() + 20000;
while (received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
stream.cancel();

const result = {
  subscription: subscription.subscriptionId,
  accepted: first.response.accepted ?? 0,
  duplicates: again.response.duplicates ?? 0,
  rejectedCode: grpc.status[rejected.error.code],
  rejectedMessage: rejected.error.details,
  listed: listed.samples.length,
  events: received.map((e) => e.subject),
};
console.log(JSON.stringify(result));
const ok = result.accepted === 3 && result.duplicates === 3 && result.listed >= 3 && result.events.length === 3;
process.exit(ok ? 0 : 1);
