package io.commandcenter.scheduler;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param nextCursor what to pass for the next page; empty on the last page
 */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
