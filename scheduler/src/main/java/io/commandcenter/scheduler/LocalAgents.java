package io.commandcenter.scheduler;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.mesh.AgentMessage;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.pool.Settled;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents whose streams this hub holds, and the delivery of assignments and revocations to
 * agents anywhere: to a local agent's listener directly, to another hub's agents through the mesh.
 * An assignment that finds no live session is given back at once (its task is queued again).
 */
final class LocalAgents {
    private static final System.Logger LOG = System.getLogger(LocalAgents.class.getName());

    record Key(String agentType, String agentId) {
    }

    /** A session that ended on this hub. */
    record Ended(String agentType, String agentId, String sessionId) {
    }

    private final Scheduler scheduler;
    private final ConcurrentHashMap<Key, AgentConnection> connections = new ConcurrentHashMap<>();
    /**
     * Sessions that ended here and whose pool could not be told ({@code Disconnect} failed): their agents stay
     * {@code CONNECTED} there, and would be chosen again and again, until the pool is told (guide 14.22).
     */
    private final Set<Ended> untold = ConcurrentHashMap.newKeySet();

    LocalAgents(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Adds a connection; an older local session of the same agent is closed as superseded. */
    void add(AgentConnection connection) {
        AgentConnection old = connections.put(key(connection), connection);
        if (old != null && old != connection) {
            old.closeBy(superseded());
        }
    }

    void remove(AgentConnection connection) {
        connections.remove(key(connection), connection);
    }

    /** Sessions of the local agents of one type, for the periodic liveness touch. */
    Map<String, String> sessions(String agentType) {
        Map<String, String> sessions = new TreeMap<>();
        connections.forEach((key, c) -> {
            if (key.agentType().equals(agentType)) {
                sessions.put(key.agentId(), c.sessionId());
            }
        });
        return sessions;
    }

    List<AgentConnection> all() {
        return List.copyOf(connections.values());
    }

    /**
     * Delivers a dispatch's decisions: local ones here, the others to their agents' hubs, each hub's
     * on its own: a hub's inbox that cannot be reached costs only its own decisions (their leases
     * expire, as for a hub that dies with them; whether the message got through is not known); a
     * local decision whose give-back fails costs only itself too; the first failure is thrown once
     * every decision and every hub was tried.
     */
    void deliver(List<Dispatched> batch) {
        Map<String, List<AgentMessage>> remote = new TreeMap<>();
        RuntimeException failed = null;
        for (Dispatched d : batch) {
            String hub = d.assignment().agentHub();
            if (hub.equals(scheduler.hubId())) {
                try {
                    // a decision given back (no session here) is a pool operation, which can fail: the others go on
                    deliverHere(d);
                } catch (RuntimeException e) {
                    failed = firstOf(failed, e);
                }
            } else {
                remote.computeIfAbsent(hub, h -> new ArrayList<>()).add(new AgentMessage.Deliver(d));
            }
        }
        for (Map.Entry<String, List<AgentMessage>> to : remote.entrySet()) {
            try {
                scheduler.mesh().send(to.getKey(), to.getValue());
            } catch (RuntimeException e) {
                failed = firstOf(failed, e);
            }
        }
        if (failed != null) {
            throw failed; // the caller logs it, once per interval
        }
    }

    /** The first failure, with each later one added to it as suppressed. */
    private static RuntimeException firstOf(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Tells an agent, wherever it is connected, that a lease ended. */
    void revoke(Revocation revocation) {
        if (revocation.agentHub() == null || revocation.agentHub().isEmpty()) {
            return;
        }
        if (revocation.agentHub().equals(scheduler.hubId())) {
            AgentConnection c = connections.get(new Key(revocation.agentType(), revocation.agentId()));
            if (c != null) {
                c.revoked(revocation);
            }
        } else {
            scheduler.mesh().send(revocation.agentHub(), List.of(new AgentMessage.Revoke(revocation)));
        }
    }

    /** Ends the stream of a superseded session, wherever it is. */
    void supersede(String agentType, String agentId, String hub, String sessionId) {
        if (hub.equals(scheduler.hubId())) {
            closeIfSession(agentType, agentId, sessionId);
        } else {
            scheduler.mesh().send(hub, List.of(new AgentMessage.Supersede(agentType, agentId, sessionId)));
        }
    }

    /**
     * Messages other hubs sent to this hub's agents, each on its own: one that fails (a give-back the pool does not
     * take, a listener failing on its close) costs only itself; the first failure is thrown once every message was
     * handled (the mesh logs it).
     */
    void receive(List<AgentMessage> messages) {
        RuntimeException failed = null;
        for (AgentMessage message : messages) {
            try {
                if (message instanceof AgentMessage.Deliver d) {
                    deliverHere(d.dispatched());
                } else if (message instanceof AgentMessage.Revoke r) {
                    revoke(r.revocation());
                } else if (message instanceof AgentMessage.Supersede s) {
                    closeIfSession(s.agentType(), s.agentId(), s.sessionId());
                }
            } catch (RuntimeException e) {
                failed = firstOf(failed, e);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private void closeIfSession(String agentType, String agentId, String sessionId) {
        AgentConnection c = connections.get(new Key(agentType, agentId));
        if (c != null && c.sessionId().equals(sessionId)) {
            c.closeBy(superseded());
        }
    }

    private void deliverHere(Dispatched d) {
        String type = d.assignment().agentType();
        AgentConnection c = connections.get(new Key(type, d.assignment().agentId()));
        boolean delivered = false;
        if (c != null && c.sessionId().equals(d.agentSession())) {
            try {
                delivered = c.deliver(d);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "agent {0} refused an assignment: {1}", d.assignment().agentId(), e.toString());
            }
        }
        if (!delivered) {
            // a session that ended here and whose pool was not told: told now, before the lease goes back, so the
            // pool does not choose it again (only that session: an agent registering again has a new one)
            Ended ended = new Ended(type, d.assignment().agentId(), d.agentSession());
            if (untold.contains(ended)) {
                tell(ended);
            }
            giveBack(d);
        }
    }

    /**
     * Marks an ended session disconnected in its pool (a later session of the agent is left alone); when the
     * pool cannot be told, the session is remembered and told again by the next sweep or delivery to it.
     *
     * @return whether the pool was told
     */
    boolean disconnect(Ended session) {
        untold.add(session);
        return tell(session);
    }

    /**
     * Tells the pools of the sessions a failed {@link #disconnect} left (each sweep). A pool that fails is not
     * called again for its other sessions in this pass (the next sweep tells them): each call to a pool that
     * does not answer waits, and the sweep of every pool waits behind them.
     */
    void disconnectUntold() {
        Set<String> failed = new HashSet<>();
        for (Ended session : untold) {
            if (!failed.contains(session.agentType()) && !tell(session)) {
                failed.add(session.agentType());
            }
        }
    }

    private boolean tell(Ended session) {
        try {
            scheduler.state().pool(session.agentType(), scheduler.config(),
                    new PoolOps.Disconnect(session.agentId(), session.sessionId(), scheduler.now()));
            untold.remove(session);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "marking agent {0} (session {1}) disconnected failed, tried again by the next sweep:"
                    + " {2}", session.agentId(), session.sessionId(), e.toString());
            return false;
        }
    }

    private void giveBack(Dispatched d) {
        String type = d.assignment().agentType();
        Settled settled = scheduler.state().pool(type, scheduler.config(), new PoolOps.ReturnLease(
                d.assignment().agentId(), d.assignment().taskId(), d.assignment().fencingToken(), scheduler.now()));
        if (settled.status() == Settled.Status.ACCEPTED) {
            scheduler.publish(List.of(new SchedulerEvent.TaskChanged(settled.task(), "requeued", scheduler.hubId(),
                    scheduler.clock().instant())));
            scheduler.signal(type);
        }
    }

    /** Ends every session; a listener that fails on its close is logged, and the sessions after it still end. */
    void closeAll(CommandCenterException reason) {
        for (AgentConnection c : connections.values()) {
            try {
                c.closeBy(reason);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "agent " + c.agentType() + "/" + c.agentId() + " failed on the close of its"
                        + " session", e);
            }
        }
    }

    private static Key key(AgentConnection c) {
        return new Key(c.agentType(), c.agentId());
    }

    private static CommandCenterException superseded() {
        return new CommandCenterException(ErrorKind.CONTENTION, "SESSION_SUPERSEDED",
                "the agent registered again on another stream; this one is closed");
    }
}
