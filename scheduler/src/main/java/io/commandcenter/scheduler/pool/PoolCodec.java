package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.capacity.SpikeAnticipator;
import io.commandcenter.scheduler.fairqueue.FairQueue;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.wire.Wire;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * The whole of a {@link PoolState} in binary, for what Hazelcast must copy: a new backup replica, a
 * partition migrating to a member that joined. Reading what was written gives a state that makes
 * the same decisions as the original, and writes the same bytes again (tested): replicas that
 * drifted apart would silently assign differently after a fail-over.
 */
public final class PoolCodec {
    private static final int VERSION = 2;

    private PoolCodec() {
    }

    public static void write(WireOut out, PoolState s) {
        out.i32(VERSION).str(s.agentType);
        FairQueue.writeQueue(out, s.queue);
        out.i64(s.nextToken).i64(s.nextSequence);
        out.list(s.tasks.values(), (o, e) -> e.write(o));
        out.strings(s.finished).strings(s.waiting).strings(s.pendingReleases);
        out.i32(s.unfinished.size());
        s.unfinished.forEach((project, n) -> out.str(project).i32(n));
        out.i32(s.weights.size());
        s.weights.forEach((project, w) -> out.str(project).f64(w));
        out.list(s.agents.values(), (o, a) -> a.write(o));
        out.i32(s.knownActions.size());
        s.knownActions.forEach((action, t) -> out.str(action).i64(t));
        out.list(s.recent, Assignment::write);
        out.i32(s.lastDispatch.size());
        s.lastDispatch.forEach((hub, memo) -> out.str(hub).str(memo.requestId()).list(memo.result(), Dispatched::write));
        s.anticipator.write(out);
        out.str(s.lastAgent);
        out.i64(s.lastApplied);
    }

    public static PoolState read(WireIn in) {
        int version = in.i32();
        if (version != VERSION) {
            throw new IllegalStateException("pool state of unknown version " + version);
        }
        String agentType = in.str();
        FairQueue queue = FairQueue.readQueue(in);
        long nextToken = in.i64();
        long nextSequence = in.i64();
        var tasks = in.list(TaskEntry::read);
        var finished = in.strings();
        var waiting = in.strings();
        var pending = in.strings();
        var unfinished = new java.util.TreeMap<String, Integer>();
        int n = in.length();
        for (int i = 0; i < n; i++) {
            unfinished.put(in.str(), in.i32());
        }
        var weights = new java.util.TreeMap<String, Double>();
        n = in.length();
        for (int i = 0; i < n; i++) {
            weights.put(in.str(), in.f64());
        }
        var agents = in.list(AgentEntry::read);
        var known = new java.util.TreeMap<String, Long>();
        n = in.length();
        for (int i = 0; i < n; i++) {
            known.put(in.str(), in.i64());
        }
        var recent = in.list(Assignment::read);
        var memos = new java.util.TreeMap<String, PoolState.DispatchMemo>();
        n = in.length();
        for (int i = 0; i < n; i++) {
            String hub = in.str();
            memos.put(hub, new PoolState.DispatchMemo(in.str(), java.util.List.copyOf(in.list(Dispatched::read))));
        }
        PoolState s = new PoolState(agentType, queue, SpikeAnticipator.read(in));
        s.lastAgent = in.str();
        s.lastApplied = in.i64();
        s.nextToken = nextToken;
        s.nextSequence = nextSequence;
        tasks.forEach(e -> s.tasks.put(e.id, e));
        s.finished.addAll(finished);
        s.waiting.addAll(waiting);
        s.pendingReleases.addAll(pending);
        s.unfinished.putAll(unfinished);
        s.weights.putAll(weights);
        agents.forEach(a -> s.agents.put(a.id(), a));
        s.knownActions.putAll(known);
        s.recent.addAll(recent);
        s.lastDispatch.putAll(memos);
        return s;
    }

    public static byte[] toBytes(PoolState s) {
        return Wire.encode(out -> write(out, s));
    }

    public static PoolState fromBytes(byte[] bytes) {
        return Wire.decode(bytes, PoolCodec::read);
    }
}
