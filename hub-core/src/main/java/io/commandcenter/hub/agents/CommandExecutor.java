package io.commandcenter.hub.agents;

import io.commandcenter.common.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an allow-listed command for an action with an argument vector — never a shell string. Each
 * action has a configured argv template whose elements may hold placeholders like {@code {service}}
 * filled from the node's inputs; a value that is not {@link SafeValues#isSafe safe} refuses the
 * action before anything runs, so a crafted entity id never reaches a command.
 */
public final class CommandExecutor {
    private final Map<String, List<String>> commands;
    private final Duration timeout;

    /**
     * @param commands action → argv template, e.g. {@code restart → [systemctl, restart, {service}]}
     * @param timeout  a command still running after it is killed
     */
    public CommandExecutor(Map<String, List<String>> commands, Duration timeout) {
        this.commands = Map.copyOf(commands);
        this.timeout = timeout;
    }

    public boolean handles(String action) {
        return commands.containsKey(action);
    }

    /** The argv an action would run with these inputs, or why it would not run. */
    public Argv argv(String action, Map<String, String> inputs) {
        List<String> template = commands.get(action);
        if (template == null) {
            return Argv.refused("NO_COMMAND", "no command is allow-listed for action " + action);
        }
        List<String> argv = new ArrayList<>(template.size());
        for (String element : template) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < element.length()) {
                int open = element.indexOf('{', i);
                if (open < 0) {
                    out.append(element, i, element.length());
                    break;
                }
                int close = element.indexOf('}', open);
                if (close < 0) {
                    out.append(element, i, element.length());
                    break;
                }
                out.append(element, i, open);
                String key = element.substring(open + 1, close);
                String value = inputs.get(key);
                if (value == null) {
                    return Argv.refused("MISSING_INPUT", "action " + action + " needs input '" + key + "'");
                }
                if (!SafeValues.isSafe(value)) {
                    return Argv.refused("UNSAFE_INPUT", "input '" + key + "' is not a plain name (letters, digits, "
                            + "'.', '_', ':', '-'); refused before anything ran");
                }
                out.append(value);
                i = close + 1;
            }
            argv.add(out.toString());
        }
        return new Argv(List.copyOf(argv), "", "");
    }

    /** An argument vector, or the reason there is none. */
    public record Argv(List<String> args, String reason, String message) {
        static Argv refused(String reason, String message) {
            return new Argv(List.of(), reason, message);
        }

        public boolean ok() {
            return reason.isEmpty();
        }
    }

    /**
     * Runs the action's command; exit 0 is success. Its output (stdout and stderr together) is read
     * while it runs, so a command that prints more than a pipe holds never blocks on it; the result
     * keeps the first and the last {@value #KEPT_BYTES} bytes of it. A command still running at the
     * timeout is killed with the processes it started: {@code COMMAND_TIMEOUT}, retryable.
     */
    public ActionResult run(String action, Map<String, String> inputs) {
        Argv argv = argv(action, inputs);
        if (!argv.ok()) {
            return ActionResult.failed(argv.reason(), argv.message(), false);
        }
        String command = argv.args().get(0);
        Process process;
        try {
            process = new ProcessBuilder(argv.args()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return ActionResult.failed("COMMAND_FAILED", "could not run " + command + ": " + e.getMessage(), false);
        }
        OutputCapture output = new OutputCapture(KEPT_BYTES);
        Thread reader = new Thread(() -> output.drain(process.getInputStream()), "cc-command-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return ActionResult.failed("COMMAND_TIMEOUT", command + " did not finish in " + timeout, true);
            }
            // A process the command left running in the background may still hold the pipe open: the
            // output is what arrived by its exit plus a short grace, never the background's lifetime.
            reader.join(OUTPUT_GRACE.toMillis());
            String text = output.text().strip();
            if (process.exitValue() != 0) {
                return ActionResult.failed("EXIT_" + process.exitValue(), command + " exited "
                        + process.exitValue() + (text.isEmpty() ? "" : ": " + text), true);
            }
            return ActionResult.done("{\"exit\":0,\"output\":" + Json.quote(text) + "}");
        } catch (IOException e) {
            return ActionResult.failed("COMMAND_FAILED", "could not run " + command + ": " + e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return ActionResult.failed("INTERRUPTED", "interrupted", true);
        }
    }

    /** How much of a command's output is kept at each end. */
    static final int KEPT_BYTES = 4096;
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);
}
