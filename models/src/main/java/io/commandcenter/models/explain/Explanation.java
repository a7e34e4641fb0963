package io.commandcenter.models.explain;

import java.util.List;

/** A prediction's risk with its factors, most risk-raising first. */
public record Explanation(double risk, List<Factor> factors) {

    public Explanation {
        factors = List.copyOf(factors);
    }

    /** The first factor, or {@code null} without factors. */
    public Factor top() {
        return factors.isEmpty() ? null : factors.get(0);
    }
}
