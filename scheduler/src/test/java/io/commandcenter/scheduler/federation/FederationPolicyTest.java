package io.commandcenter.scheduler.federation;

import io.commandcenter.scheduler.pool.HubLoad;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FederationPolicyTest {
    static HubLoad load(String hub, int free, int backlog, long oldest) {
        return new HubLoad("devops", "restart", hub, free, backlog, oldest, List.of("p"));
    }

    @Test
    void aSaturatedHub_delegatesToTheDonorsWithTheMostFreeSlots_untilItsBacklogIsCovered() {
        List<DelegationPlan> plans = FederationPolicy.plan(List.of(load("a", 0, 5, 0), load("b", 2, 0, 0),
                load("c", 4, 0, 0)), 10_000, 2_000);

        assertThat(plans).extracting(DelegationPlan::toHub, DelegationPlan::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c", 4), org.assertj.core.groups.Tuple.tuple("b", 1));
    }

    @Test
    void aHubWhoseBacklogIsYoung_orThatHasFreeSlots_isNotSaturated() {
        assertThat(FederationPolicy.plan(List.of(load("a", 0, 5, 9_000), load("b", 2, 0, 0)), 10_000, 2_000))
                .isEmpty();
        assertThat(FederationPolicy.plan(List.of(load("a", 1, 5, 0), load("b", 2, 0, 0)), 10_000, 2_000))
                .isEmpty();
    }

    @Test
    void aHubWithABacklogOfItsOwn_donatesNothing() {
        assertThat(FederationPolicy.plan(List.of(load("a", 0, 5, 0), load("b", 3, 1, 0)), 10_000, 2_000)).isEmpty();
    }
}
