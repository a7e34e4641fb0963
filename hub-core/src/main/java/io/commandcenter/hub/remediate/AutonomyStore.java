package io.commandcenter.hub.remediate;

import java.util.List;
import java.util.Optional;

/** Where the kill switch of each scope is kept, shared by every hub on the database. */
public interface AutonomyStore {

    Optional<AutonomySetting> autonomy(String scope);

    /** The stored switches of these scopes (a decision reads the global one and its project's at once). */
    default List<AutonomySetting> autonomies(List<String> scopes) {
        return scopes.stream().distinct().map(this::autonomy).flatMap(Optional::stream).toList();
    }

    void put(AutonomySetting setting);
}
