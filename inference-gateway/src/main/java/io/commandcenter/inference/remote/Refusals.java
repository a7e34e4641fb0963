package io.commandcenter.inference.remote;

import io.commandcenter.common.error.CommandCenterException;

/** Told of every refusal to send rows out of the hub (the hub writes each to its audit ledger). */
@FunctionalInterface
public interface Refusals {

    /**
     * @param project the project whose rows stayed in (empty for a refusal of configuration)
     * @param model   the model ({@code name@version}), or empty
     * @param refusal the error, with its kind, reason ({@code ENDPOINT_NOT_APPROVED}, {@code PROJECT_SENSITIVE})
     *                and metadata naming the endpoint
     */
    void refused(String project, String model, CommandCenterException refusal);
}
