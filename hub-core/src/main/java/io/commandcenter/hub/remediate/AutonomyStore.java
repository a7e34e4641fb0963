package io.commandcenter.hub.remediate;

import java.util.Optional;

/** Where the kill switch of each scope is kept, shared by every hub on the database. */
public interface AutonomyStore {

    Optional<AutonomySetting> autonomy(String scope);

    void put(AutonomySetting setting);
}
