package io.commandcenter.hub.agents;

import io.commandcenter.common.json.Json;
import io.commandcenter.hub.demo.DemoFleet;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;

/**
 * What the {@code devops} agent does: {@code restart}, {@code scale} and {@code rollback} of the
 * service named by the input {@code service}, through the first executor that knows it:
 * <ol>
 *   <li>the demo's simulated services (when the demo runs): all three restart the simulated process;</li>
 *   <li>the service's own admin endpoint, when configured: {@code POST <base>/<action>} with the inputs as JSON;</li>
 *   <li>the allow-listed command of the action, run with an argument vector.</li>
 * </ol>
 * The service name must be {@link SafeValues#isSafe safe} whatever the executor. No executor →
 * {@code NO_EXECUTOR}, not retryable.
 */
public final class DevopsActions {
    public static final Set<String> ACTIONS = Set.of("restart", "scale", "rollback");

    private final Optional<DemoFleet> demo;
    private final Map<String, URI> adminEndpoints;
    private final CommandExecutor commands;
    private final HttpExecutor http;
    private final String demoProject;

    /**
     * @param demo           the demo fleet, when the demo runs (guarded by its owner: calls are synchronized on it)
     * @param demoProject    the project the demo's services belong to: only its tasks act on them (another
     *                       project's {@code restart checkout-api} is not the demo's service); null: any project
     * @param adminEndpoints service → base URI of its admin API
     */
    public DevopsActions(Optional<DemoFleet> demo, String demoProject, Map<String, URI> adminEndpoints,
                         CommandExecutor commands, HttpExecutor http) {
        this.demo = demo;
        this.demoProject = demoProject;
        this.adminEndpoints = Map.copyOf(adminEndpoints);
        this.commands = commands;
        this.http = http;
    }

    /** Actions whose demo services answer any project's tasks (tests of one project). */
    public DevopsActions(Optional<DemoFleet> demo, Map<String, URI> adminEndpoints, CommandExecutor commands,
                         HttpExecutor http) {
        this(demo, null, adminEndpoints, commands, http);
    }

    /** Runs an action of a task of {@code task.project()}. */
    public ActionResult execute(HubAgents.Task task, String action, Map<String, String> inputs) {
        return execute(task.project(), action, inputs);
    }

    /** Runs an action for no project in particular (the demo's services answer, as for any project). */
    public ActionResult execute(String action, Map<String, String> inputs) {
        return execute((String) null, action, inputs);
    }

    private ActionResult execute(String project, String action, Map<String, String> inputs) {
        if (!ACTIONS.contains(action)) {
            return ActionResult.failed("UNKNOWN_ACTION", "devops does not " + action + "; it can " + ACTIONS, false);
        }
        String service = inputs.get("service");
        if (service == null || service.isBlank()) {
            return ActionResult.failed("MISSING_INPUT", "devops." + action + " needs the input 'service'", false);
        }
        if (!SafeValues.isSafe(service)) {
            return ActionResult.failed("UNSAFE_INPUT", "service '" + abbreviate(service)
                    + "' is not a plain name; refused before anything ran", false);
        }
        if (demo.isPresent() && (demoProject == null || project == null || demoProject.equals(project))) {
            DemoFleet fleet = demo.get();
            boolean known;
            synchronized (fleet) {
                known = fleet.restart(service).isPresent();
            }
            if (known) {
                return ActionResult.done("{\"executor\":\"demo\",\"service\":" + Json.quote(service) + ",\"action\":"
                        + Json.quote(action) + "}");
            }
        }
        URI base = adminEndpoints.get(service);
        if (base != null) {
            String path = base.getPath().endsWith("/") ? base.getPath() + action : base.getPath() + "/" + action;
            return http.post(base.resolve(path), Json.write(new TreeMap<>(inputs)), Map.of());
        }
        if (commands.handles(action)) {
            return commands.run(action, inputs);
        }
        return ActionResult.failed("NO_EXECUTOR", "no executor can " + action + " service " + service
                + ": configure its admin endpoint (CC_DEVOPS_ENDPOINTS) or a command (CC_DEVOPS_COMMANDS)", false);
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }
}
