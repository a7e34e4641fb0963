// A CommandCenter scheduler agent in Node.js, built only from the .proto files (no generated code).
// It registers on ScheduleService.ConnectAgent as a `devops` agent able to `restart`, and for each
// assignment: reports progress, heartbeats its lease, first sends a result with a wrong fencing
// token (the hub must refuse it and keep the stream open), then the real result.
//
//   npm ci && node agent.mjs --hub localhost:50051 --project demo [--agent-id node-1] [--tasks 1]
//
// Prints one JSON line with what it saw and exits 0 after `--tasks` results were accepted,
// 1 on any unexpected message or after 60 s.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoRoot = path.resolve(here, '../../../../proto/src/main/proto');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const hub = args.hub ?? 'localhost:50051';
const project = args.project ?? 'node-demo';
const agentId = args['agent-id'] ?? `node-${process.pid}`;
const wanted = Number(args.tasks ?? 1);

const definition = protoLoader.loadSync(['commandcenter/v1/schedule.proto'],
  { includeDirs: [protoRoot], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
const v1 = grpc.loadPackageDefinition(definition).commandcenter.v1;
const client = new v1.ScheduleService(hub, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.set('x-cc-project', project);

const seen = { agentId, registered: null, assignments: [], rejected: [], revoked: [], accepted: [] };
const fail = (message, detail) => {
  console.error(`node agent: ${message}`, detail ?? '');
  console.log(JSON.stringify({ ...seen, error: message }));
  process.exit(1);
};
setTimeout(() => fail('timed out'), 60_000).unref();

const call = client.connectAgent(metadata);
call.on('error', (e) => { if (e.code !== grpc.status.CANCELLED) fail(`stream failed: ${e.code} ${e.details}`); });
call.on('end', () => {});

call.write({ register: { agentId, agentType: 'devops', actions: ['restart'], capacity: 2,
  labels: { lang: 'node', zone: 'local' } } });

call.on('data', (message) => {
  switch (message.kind) {
    case 'registered':
      seen.registered = { hubId: message.registered.hubId, heartbeatSeconds: Number(message.registered.heartbeatInterval.seconds) };
      call.write({ health: { cpu: 0.2, memory: 0.3, runningTasks: 0 } });
      break;
    case 'assignment': {
      const a = message.assignment;
      seen.assignments.push({ taskId: a.taskId, capability: a.capability, token: a.fencingToken,
        service: a.inputs?.fields?.service?.stringValue ?? null });
      const lease = { taskId: a.taskId, fencingToken: a.fencingToken };
      call.write({ progress: { ...lease, fraction: 0.5, message: 'restarting' } });
      call.write({ heartbeat: { leases: [lease] } });
      // a late/foreign result: the wrong token must be refused, and the stream must go on
      call.write({ result: { taskId: a.taskId, fencingToken: String(BigInt(a.fencingToken) + 1000n),
        outcome: 'TASK_OUTCOME_SUCCEEDED' } });
      call.write({ result: { ...lease, outcome: 'TASK_OUTCOME_SUCCEEDED',
        output: { fields: { handledBy: { stringValue: 'node' }, service: { stringValue: seen.assignments.at(-1).service ?? '' } } } } });
      break;
    }
    case 'rejected':
      seen.rejected.push({ code: message.rejected.code, reason: message.rejected.reason,
        fields: message.rejected.fields.map((f) => f.field) });
      break;
    case 'revoked':
      seen.revoked.push({ taskId: message.revoked.taskId, reason: message.revoked.reason });
      break;
    case 'resultAccepted':
      seen.accepted.push({ taskId: message.resultAccepted.taskId, state: message.resultAccepted.state });
      if (seen.accepted.length >= wanted) {
        call.end();
        console.log(JSON.stringify(seen));
        process.exit(0);
      }
      break;
    default:
      fail('unexpected message', message);
  }
});
