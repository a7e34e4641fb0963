package io.commandcenter.scheduler.federation;

import io.commandcenter.scheduler.pool.HubLoad;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The meta hub's rule (seed 4.3), for tasks whose placement keeps them on their origin hub:
 *
 * <ul>
 *   <li>a hub is <b>saturated</b> for an action when tasks of that action are queued for it alone,
 *       it has no free slot for the action, and the oldest of those tasks has waited at least the
 *       saturation wait;</li>
 *   <li>a hub is a <b>donor</b> for the action when it has free slots for it and no such backlog of
 *       its own;</li>
 *   <li>each saturated hub (largest backlog first) delegates to donors (most free slots first, then
 *       hub id) as many tasks as they have free slots, until its backlog is covered.</li>
 * </ul>
 *
 * A delegated task may then run on the donor's agents as well as its own hub's; the fair queue
 * still decides when. Pure and deterministic.
 */
public final class FederationPolicy {
    private FederationPolicy() {
    }

    /** The delegations to make, given every pool's per-hub loads. */
    public static List<DelegationPlan> plan(List<HubLoad> loads, long nowMillis, long saturationWaitMillis) {
        TreeMap<String, List<HubLoad>> byAction = new TreeMap<>();
        for (HubLoad load : loads) {
            byAction.computeIfAbsent(load.agentType() + "." + load.action(), k -> new ArrayList<>()).add(load);
        }
        List<DelegationPlan> plans = new ArrayList<>();
        for (List<HubLoad> group : byAction.values()) {
            List<HubLoad> saturated = new ArrayList<>();
            List<int[]> donorFree = new ArrayList<>();
            List<HubLoad> donors = new ArrayList<>();
            for (HubLoad h : group) {
                if (h.backlog() > 0 && h.freeSlots() == 0 && nowMillis - h.oldestQueuedAt() >= saturationWaitMillis) {
                    saturated.add(h);
                } else if (h.backlog() == 0 && h.freeSlots() > 0) {
                    donors.add(h);
                }
            }
            saturated.sort(Comparator.comparingInt(HubLoad::backlog).reversed().thenComparing(HubLoad::hubId));
            donors.sort(Comparator.comparingInt(HubLoad::freeSlots).reversed().thenComparing(HubLoad::hubId));
            donors.forEach(d -> donorFree.add(new int[]{d.freeSlots()}));
            for (HubLoad from : saturated) {
                int left = from.backlog();
                for (int i = 0; i < donors.size() && left > 0; i++) {
                    int n = Math.min(left, donorFree.get(i)[0]);
                    if (n > 0) {
                        HubLoad to = donors.get(i);
                        plans.add(new DelegationPlan(from.agentType(), from.action(), from.hubId(), to.hubId(), n,
                                from.backlog(), to.freeSlots()));
                        donorFree.get(i)[0] -= n;
                        left -= n;
                    }
                }
            }
        }
        return plans;
    }
}
