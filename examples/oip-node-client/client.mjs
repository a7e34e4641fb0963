// A KServe v2 / Open Inference Protocol client in Node.js, built only from the official
// grpc_predict_v2.proto (proto/src/main/proto/inference/): nothing of CommandCenter's own contracts.
// It checks the server, reads a model's metadata, scores rows built from that metadata alone, and
// sends one bad request.
//
//   npm ci && node client.mjs [--hub localhost:50051] [--project oip-demo] [--token KEY] [--model service_health]
//
// The key (an API key, or the hub's admin.key) comes from --token, else CC_TOKEN; it is sent as
// `authorization: Bearer <key>`, the project as `x-cc-project`.
//
// Prints one JSON object with what it saw, and exits 0 when the hub answered as the protocol says.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoFile = path.resolve(here, '../../proto/src/main/proto/inference/grpc_predict_v2.proto');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const hub = args.hub ?? 'localhost:50051';
const project = args.project ?? 'oip-demo';
const token = args.token ?? process.env.CC_TOKEN ?? '';
const model = args.model ?? 'service_health';

const definition = protoLoader.loadSync(protoFile,
  { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
const inference = grpc.loadPackageDefinition(definition).inference;
const client = new inference.GRPCInferenceService(hub, grpc.credentials.createInsecure());
const metadata = () => {
  const m = new grpc.Metadata();
  m.set('x-cc-project', project);
  if (token) m.set('authorization', `Bearer ${token}`);
  return m;
};
const call = (method, request) => new Promise((resolve) =>
  client[method](request, metadata(), { deadline: Date.now() + 30_000 },
    (error, response) => resolve({ error, response })));

function fail(message, detail) {
  console.error(`oip client: ${message}`, detail ?? '');
  process.exit(1);
}

const live = await call('ServerLive', {});
if (live.error || !live.response.live) fail('ServerLive', live.error);
const ready = await call('ServerReady', {});
const server = await call('ServerMetadata', {});
if (server.error) fail('ServerMetadata', server.error);
const modelReady = await call('ModelReady', { name: model });
if (modelReady.error) fail('ModelReady', modelReady.error);
const meta = await call('ModelMetadata', { name: model });
if (meta.error) fail('ModelMetadata', meta.error);

// two rows, from the metadata alone: row 0 all zeros, row 1 every feature at 0.5
const rows = 2;
const inputs = meta.response.inputs.map((t) => ({
  name: t.name, datatype: t.datatype, shape: [rows], contents: { fp32_contents: [0, 0.5] },
}));
const infer = await call('ModelInfer', { model_name: model, id: 'node-1', inputs });
if (infer.error) fail('ModelInfer', infer.error);
const output = (name) => infer.response.outputs.find((o) => o.name === name)?.contents.fp32_contents;
const parameter = (name) => JSON.parse(infer.response.parameters[name].string_param);

const bad = await call('ModelInfer', { model_name: model, inputs: [{ ...inputs[0], name: 'no_such_feature' }] });

console.log(JSON.stringify({
  live: live.response.live,
  ready: ready.response?.ready,
  server: server.response.name,
  modelReady: modelReady.response.ready,
  inputs: meta.response.inputs.map((t) => t.name),
  outputs: meta.response.outputs.map((t) => t.name),
  id: infer.response.id,
  modelVersion: infer.response.model_version,
  risk: output('risk'),
  confidence: output('confidence'),
  topFactors: parameter('top_factors').map((row) => row.map((f) => f.feature)),
  recommendedAction: parameter('recommended_action'),
  badCode: bad.error ? grpc.status[bad.error.code] : 'OK',
  badMessage: bad.error?.details,
}));
process.exit(0);
