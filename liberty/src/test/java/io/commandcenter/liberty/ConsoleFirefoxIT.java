package io.commandcenter.liberty;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's core scenarios ({@link ConsoleScenarios}, shared with ConsoleIT) in a real headless Firefox:
 * Debian's {@code firefox-esr} driven over WebDriver BiDi ({@link FirefoxBiDi}; there is no geckodriver
 * here), against the real Liberty server running the sped-up demo. The map shows the demo's services, a
 * prediction turns a node red and its restart settles it, the approval popup's approve runs the action, and
 * playback reproduces the loop. ConsoleIT keeps the rest (keyboard, insight card, filters, retraining,
 * roles) in Chromium.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleFirefoxIT {
    @Deployment(testable = false)
    static WebArchive hub() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("hub.war")));
    }

    static FirefoxBiDi firefox;
    /** When the first test began: just after this deployment started the demo. */
    static long started;
    final HubClient client = new HubClient();

    @ArquillianResource
    URL base;

    @BeforeEach
    void locate() throws Exception {
        client.base = base.toURI();
        if (firefox == null) {
            started = System.currentTimeMillis() - 5_000;
            firefox = new FirefoxBiDi(ConsoleIT.SHOTS, 1440, 1000);
        }
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @AfterAll
    static void quit() {
        if (firefox != null) {
            firefox.close();
        }
    }

    ConsoleScenarios scenarios() {
        return new ConsoleScenarios(firefox, client, base.toString());
    }

    @Test
    @Order(1)
    void theAdministratorSignsIn_andTheMapShowsTheDemosServices() {
        scenarios().pinDemoWorkflows();
        scenarios().theMapShowsTheDemosServices();
        assertThat(firefox.js("return navigator.userAgent;")).asString().contains("Firefox");
    }

    @Test
    @Order(2)
    void aPrediction_turnsANodeRed_andItsRestartSettlesIt() {
        scenarios().aNodeTurnsRed_isRestarted_andSettles();
        scenarios().theLiveHeatmap_drawnColumnByColumn_matchesAFullDrawing();
    }

    @Test
    @Order(3)
    void anApprovalPopupAppears_andApprovingItRunsTheAction() {
        scenarios().approveFromThePopup("console-firefox-approval.png");
    }

    @Test
    @Order(4)
    void playback_reproducesThePastLoop() {
        scenarios().playbackReproducesTheLoop(started, null, null);
        firefox.screenshot("console-firefox-map.png");
    }
}
