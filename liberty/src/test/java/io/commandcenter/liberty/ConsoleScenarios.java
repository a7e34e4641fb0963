package io.commandcenter.liberty;

import io.commandcenter.proto.v1.Approval;
import io.commandcenter.proto.v1.GetApprovalRequest;
import io.commandcenter.proto.v1.GetWorkflowRunRequest;
import io.commandcenter.proto.v1.ListApprovalsRequest;
import io.commandcenter.proto.v1.ListPredictionActionsRequest;
import io.commandcenter.proto.v1.PredictionAction;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.RejectRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.RunState;
import io.commandcenter.proto.v1.WorkflowRun;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's core scenarios against the demo, written once for any {@link ConsolePage}: ConsoleIT runs
 * them in Chromium (with its Chromium-only extras around them), ConsoleFirefoxIT in Firefox. The demo in
 * the IT server is sped up (liberty pom): {@code checkout-api} fails 30 s after deployment and is restarted
 * on its own, {@code payments} 15 s later and waits for a person.
 */
final class ConsoleScenarios {
    static final String DEMO = "default";
    static final Set<String> DEMO_SERVICES = Set.of("checkout-api", "payments", "catalog", "search", "auth");
    static final Pattern RGB = Pattern.compile("rgb\\((\\d+),(\\d+),(\\d+)\\)");

    /** Records every change of every node of the map: class, fill and risk. */
    static final String RECORDER = """
            window.__seen = window.__seen || [];
            const record = () => document.querySelectorAll('svg.map .node').forEach(n => {
              const fill = n.querySelector('.fill').getAttribute('fill');
              const k = n.getAttribute('class') + '|' + fill;
              if (n.__last !== k) {
                n.__last = k;
                window.__seen.push({id: n.dataset.id, cls: n.getAttribute('class'), fill, risk: n.dataset.risk || ''});
              }
            });
            new MutationObserver(record).observe(document.querySelector('svg.map'),
              {subtree: true, attributes: true, childList: true});
            record();
            """;

    final ConsolePage page;
    final HubClient client;
    final String base;

    ConsoleScenarios(ConsolePage page, HubClient client, String base) {
        this.page = page;
        this.client = client;
        this.base = base;
    }

    RemediateServiceGrpc.RemediateServiceBlockingStub remediate(String project) {
        return HubClient.scoped(RemediateServiceGrpc.newBlockingStub(client.channel), project);
    }

    static String node(String id) {
        return "svg.map .node[data-id='" + id + "']";
    }

    static boolean red(Object fill) {
        Matcher m = RGB.matcher(String.valueOf(fill));
        return m.matches() && Integer.parseInt(m.group(1)) > 1.3 * Integer.parseInt(m.group(2))
                && Integer.parseInt(m.group(3)) < 90;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> seen(String id) {
        return ((List<Map<String, Object>>) page.js("return window.__seen || [];")).stream()
                .filter(m -> id.equals(m.get("id"))).toList();
    }

    boolean everSeen(String id, String cls) {
        return seen(id).stream().anyMatch(m -> String.valueOf(m.get("cls")).contains(cls));
    }

    /** A clean slate for the demo: approvals left by an earlier deployment refused, each path pinned by a workflow. */
    void pinDemoWorkflows() {
        for (Approval left : remediate(DEMO).listApprovals(ListApprovalsRequest.getDefaultInstance()).getApprovalsList()) {
            remediate(DEMO).reject(RejectRequest.newBuilder().setApprovalId(left.getApprovalId())
                    .setReason("left over from an earlier deployment").build());
        }
        // which path each takes is pinned by its workflow, not by the model's confidence of the day
        remediate(DEMO).putWorkflow(PutWorkflowRequest.newBuilder().setYaml(RemediationIT.workflow("auto-restart",
                "recommendedAction: restart, targetId: checkout-api", 0.0, "30m")).build());
        remediate(DEMO).putWorkflow(PutWorkflowRequest.newBuilder().setYaml(RemediationIT.workflow("careful-restart",
                "targetId: payments", 1.0, "30m")).build());
    }

    void signIn(String token, String user) {
        page.open(base);
        page.until("the sign-in view", 30, () -> page.displayed("#key"));
        page.type("#key", token);
        if (user != null) {
            page.type("#user", user);
        }
        page.click("#signin");
    }

    /** Signed in as the administrator: the map shows the demo's five services and the event stream is live. */
    void theMapShowsTheDemosServices() {
        signIn(HubClient.ADMIN.token(), "it-console");
        page.until("the demo's five services on the map", 60, () -> ((List<?>) page.js(
                "return [...document.querySelectorAll('svg.map .node')].map(n => n.dataset.id);"))
                .containsAll(DEMO_SERVICES));
        page.js(RECORDER);
        assertThat(page.text("#whoami")).isEqualTo("admin (admin)");
        // the history was read whole: the last hour, and the hours before downsampled (step=10m)
        assertThat(page.text("#toasts")).doesNotContain("could not be read");
        page.until("the event stream", 30, () -> String.valueOf(page.text("#stream-state")).startsWith("live"));
    }

    /** checkout-api's prediction turns its node red, its automatic restart animates, and it settles once judged. */
    void aNodeTurnsRed_isRestarted_andSettles() {
        page.until("checkout-api turning red", 150, () -> seen("checkout-api").stream()
                .anyMatch(m -> String.valueOf(m.get("cls")).contains("above") && red(m.get("fill"))));
        page.until("checkout-api being remediated", 60, () -> everSeen("checkout-api", "remediating"));
        page.until("checkout-api settled: outcome judged, below its threshold", 90, () -> {
            String cls = page.attribute(node("checkout-api"), "class");
            return !cls.contains("remediating") && !cls.contains("above") && everSeen("checkout-api", "outcome-recovered");
        });
    }

    /**
     * The live heatmap computes only the columns that came into view or got new points: brought up to date, its
     * cells are exactly those of a drawing from scratch of the same window, and most drawings were partial.
     */
    void theLiveHeatmap_drawnColumnByColumn_matchesAFullDrawing() {
        @SuppressWarnings("unchecked")
        Map<String, Object> check = (Map<String, Object>) page.js("""
                const heat = window.ccConsole().heatmap;
                heat.render();
                const kept = new Uint8ClampedArray(heat.cells.image.data);
                const counts = {...heat.counts};
                heat.render(true);
                const fresh = heat.cells.image.data;
                let differ = 0;
                let coloured = 0;
                for (let i = 0; i < kept.length; i += 4) {
                  const shown = kept[i + 3] === 255;
                  if (shown) coloured++;
                  if (shown !== (fresh[i + 3] === 255)
                      || shown && (kept[i] !== fresh[i] || kept[i + 1] !== fresh[i + 1] || kept[i + 2] !== fresh[i + 2])) {
                    differ++;
                  }
                }
                return {cells: kept.length / 4, coloured, differ, full: counts.full, partial: counts.partial};
                """);
        assertThat(((Number) check.get("coloured")).longValue()).as("cells drawn: %s", check).isPositive();
        assertThat(((Number) check.get("differ")).longValue()).as("cells unlike a full drawing: %s", check).isZero();
        assertThat(((Number) check.get("partial")).longValue()).as("partial drawings: %s", check)
                .isGreaterThan(((Number) check.get("full")).longValue());
    }

    /**
     * The popup for careful-restart on payments appears with its expiry counting down; approving it with a reason
     * runs the restart, recorded as the person's decision. Returns the approval's run.
     */
    WorkflowRun approveFromThePopup(String screenshot) {
        String approvalId = page.until("the approval popup for careful-restart on payments", 150, () -> {
            if (!page.displayed("#approval")) {
                return null;
            }
            if (!String.valueOf(page.text("#approval-title")).contains("careful-restart on payments")) {
                // the demo's auto-scale may ask about payments too: that one can wait
                page.click("#approval-later");
                return null;
            }
            return page.attribute("#approval", "data-approval");
        });
        String first = page.text("#approval .countdown");
        assertThat(first).matches("\\d+(:\\d\\d| s| h \\d+ min)");
        page.until("the countdown ticking", 5, () -> !page.text("#approval .countdown").equals(first));
        assertThat(page.text("#approval")).contains("devops.restart").contains("Asked because");
        if (screenshot != null) {
            page.screenshot(screenshot);
        }

        page.type("#approval-reason", "payments is slowing down, restart it");
        page.click("#approve");

        page.until("the approval confirmed", 30, () -> page.text("#toasts").contains("Approved"));
        String runId = remediate(DEMO).getApproval(GetApprovalRequest.newBuilder().setApprovalId(approvalId).build())
                .getApproval().getRunId();
        WorkflowRun[] run = new WorkflowRun[1];
        await().atMost(60, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
            run[0] = remediate(DEMO).getWorkflowRun(GetWorkflowRunRequest.newBuilder().setRunId(runId).build()).getRun();
            return run[0].getState() == RunState.RUN_STATE_SUCCEEDED;
        });
        assertThat(run[0].getMode()).isEqualTo("approved");
        assertThat(run[0].getNodes(0).getOutputJson()).contains("payments");
        PredictionAction decided = remediate(DEMO).listPredictionActions(ListPredictionActionsRequest.newBuilder()
                .setRunId(runId).build()).getActionsList().get(0);
        assertThat(decided.getDecidedBy()).isEqualTo("it-console (key admin)");
        assertThat(decided.getReason()).isEqualTo("payments is slowing down, restart it");
        page.until("payments being remediated on the map", 30, () -> everSeen("payments", "remediating"));
        return run[0];
    }

    /**
     * Playback: checkout-api's loop of this deployment (after {@code deployedAt}) is drawn as one lane with its
     * outcome and opens as one story; seeking to the prediction shows the node red as it was then; live again,
     * it is below its threshold. Returns when the prediction was made.
     */
    long playbackReproducesTheLoop(long deployedAt, String storyScreenshot, String playbackScreenshot) {
        page.js("""
                const period = document.getElementById('period');
                period.value = [...period.options].find(o => o.text === '15 min').value;
                period.dispatchEvent(new Event('change'));
                """);
        // this deployment's loop (an earlier one's may be in the database too), marked to be clicked
        String at = page.until("checkout-api's loop drawn with its outcome", 60, () -> (String) page.js("""
                const lane = [...document.querySelectorAll("svg.lanes .lane[data-entity='checkout-api']")]
                  .find(l => Number(l.dataset.at) > arguments[0] && l.querySelector('.lane-outcome'));
                return lane ? lane.dataset.at : null;
                """, deployedAt));
        String lane = "svg.lanes .lane[data-entity='checkout-api'][data-at='" + at + "']";
        assertThat(page.attribute(lane, "aria-label")).contains("predicted").contains("automatic").contains("recovered");
        page.click(lane);
        page.until("the story dialog", 10, () -> page.displayed("#story"));
        assertThat(page.text("#story")).contains("Prediction").contains("Decision").contains("automatic")
                .contains("auto-restart: succeeded").contains("recovered");
        if (storyScreenshot != null) {
            page.screenshot(storyScreenshot);
        }
        page.click("#story-close");

        long predictedAt = Long.parseLong(at);
        // scrub to just after the prediction: the playback time follows the slider
        page.js("""
                const slider = document.getElementById('scrub');
                slider.value = 500;
                slider.dispatchEvent(new Event('input'));
                const [from, to] = window.ccConsole().timeline.window();
                slider.value = Math.ceil((arguments[0] + 200 - from) / (to - from) * 1000);
                slider.dispatchEvent(new Event('input'));
                """, predictedAt);
        assertThat(((Number) page.js("return window.ccConsole().timeline.time;")).doubleValue())
                .as("the playback time: just after the prediction (the slider has 1000 steps of 0.9 s)")
                .isBetween(predictedAt + 200 - 1000.0, predictedAt + 200 + 1000.0);
        // the slider's step (0.9 s) is coarser than the demo's samples (1 s apart; the row after an
        // onset alarm is held just below the threshold), so the moment itself is sought exactly
        page.js("window.ccConsole().timeline.seek(arguments[0]);", predictedAt);
        page.until("checkout-api red at the moment of its prediction", 10,
                () -> page.attribute(node("checkout-api"), "class").contains("above")
                        && red(page.attribute(node("checkout-api") + " .fill", "fill")));
        assertThat(page.text("#playback-time")).matches("\\d\\d:\\d\\d:\\d\\d.*");
        if (playbackScreenshot != null) {
            page.js("window.scrollTo(0, document.body.scrollHeight)");
            page.screenshot(playbackScreenshot);
            page.js("window.scrollTo(0, 0)");
        }
        page.click("#live");
        page.until("live again: checkout-api below its threshold", 10,
                () -> !page.attribute(node("checkout-api"), "class").contains("above"));
        page.js("window.scrollTo(0, 0)");
        return predictedAt;
    }
}
