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
     * while it runs, so a command that prints more than a pipe holds never blocks on it. The result
     * keeps the two ends of the output, sized so it fits where it goes whole: a success's
     * {@code {"exit":0,"output":…}} within the {@value #STORED_OUTPUT_CHARS} characters a node's
     * output is stored in, a failure's message within the {@value #REPORTED_ERROR_CHARS} an agent may
     * report, most of it the output's end, where the error usually is. Output a process left in the
     * background writes after the command exited is not waited for. A command still running at the
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
        Thread reader = new Thread(() -> output.drain(process.getInputStream(), process::isAlive),
                "cc-command-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return ActionResult.failed("COMMAND_TIMEOUT", command + " did not finish in " + timeout, true);
            }
        } catch (IOException e) {
            return ActionResult.failed("COMMAND_FAILED", "could not run " + command + ": " + e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return ActionResult.failed("INTERRUPTED", "interrupted", true);
            }
        }
        return exited(process, output, reader, command);
    }

    /**
     * The result of a command that has exited, once the reader has taken what is left in the pipe (it
     * ends by itself; {@link #OUTPUT_GRACE} bounds the wait). An interrupt while waiting keeps the
     * result: the command ran, and reporting it INTERRUPTED (retryable) could run it again.
     */
    static ActionResult exited(Process process, OutputCapture output, Thread reader, String command) {
        try {
            reader.join(OUTPUT_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int exit = process.exitValue();
        if (exit != 0) {
            String prefix = command + " exited " + exit;
            String message = prefix;
            for (int head = FAILURE_HEAD_BYTES, tail = FAILURE_TAIL_BYTES; ; head /= 2, tail /= 2) {
                String text = output.text(head, tail).strip();
                message = text.isEmpty() ? prefix : prefix + ": " + text;
                if (message.length() <= REPORTED_ERROR_CHARS || head + tail == 0) {
                    break;
                }
            }
            return ActionResult.failed("EXIT_" + exit, message.length() <= REPORTED_ERROR_CHARS ? message
                    : message.substring(0, REPORTED_ERROR_CHARS), true);
        }
        String json = "";
        for (int head = KEPT_BYTES, tail = KEPT_BYTES; ; head /= 2, tail /= 2) {
            json = "{\"exit\":0,\"output\":" + Json.quote(output.text(head, tail).strip()) + "}";
            if (json.length() <= STORED_OUTPUT_CHARS || head + tail == 0) {
                return ActionResult.done(json);
            }
        }
    }

    /**
     * The characters of a node's output the hub stores ({@code JpaRemediationStore} cuts longer ones,
     * which would leave invalid JSON).
     */
    static final int STORED_OUTPUT_CHARS = 8192;
    /** The characters of a task's error an agent may report (the scheduler refuses longer, {@code BuiltInAgent} cuts). */
    static final int REPORTED_ERROR_CHARS = 4096;
    /**
     * How much of a command's output is kept at each end, and shown of a success: both ends, escaped
     * as JSON with the skip note, fit {@value #STORED_OUTPUT_CHARS} characters when the output is plain
     * text (the ends are halved until they fit when escaping makes it longer).
     */
    static final int KEPT_BYTES = 3 * 1024;
    /** A failure's message shows this much of the output's start… */
    static final int FAILURE_HEAD_BYTES = 1024;
    /** …and this much of its end, so message and note fit {@value #REPORTED_ERROR_CHARS} characters. */
    static final int FAILURE_TAIL_BYTES = 2560;
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);
}
