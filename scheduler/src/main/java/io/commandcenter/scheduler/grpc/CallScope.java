package io.commandcenter.scheduler.grpc;

/**
 * Who is calling the schedule service, as the hub's transport established it.
 *
 * @param project      the project of the call (header {@code x-cc-project} or the credential's)
 * @param owner        the credential that made the call (an API key id), recorded as the owner of the
 *                     agents it registers; empty when the transport has no credentials
 * @param everyProject whether the credential covers every project; when false an agent it connects
 *                     may serve {@code project} only
 */
public record CallScope(String project, String owner, boolean everyProject) {
    public CallScope {
        owner = owner == null ? "" : owner;
    }

    /** A call in a project by a caller without credentials (in-process use, tests). */
    public static CallScope of(String project) {
        return new CallScope(project, "", true);
    }
}
