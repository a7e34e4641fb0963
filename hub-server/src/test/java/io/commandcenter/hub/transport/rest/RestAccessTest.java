package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.events.rest.EventsResource;
import io.commandcenter.hub.predict.rest.PredictResource;
import io.commandcenter.hub.audit.rest.AuditResource;
import io.commandcenter.hub.remediate.rest.RemediateResource;
import io.commandcenter.hub.security.rest.WhoAmIResource;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.telemetry.rest.SamplesResource;
import io.commandcenter.hub.transport.AccessTable;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every REST endpoint names the RPC it mirrors, so the one access table covers it. */
class RestAccessTest {
    static final List<Class<?>> RESOURCES = List.of(EventsResource.class, SamplesResource.class,
            PredictResource.class, RemediateResource.class, AuditResource.class, WhoAmIResource.class,
            io.commandcenter.hub.predict.rest.ModelsResource.class,
            io.commandcenter.hub.metrics.rest.StatsResource.class);

    static List<Method> endpoints() {
        List<Method> out = new ArrayList<>();
        for (Class<?> type : RESOURCES) {
            for (Method m : type.getDeclaredMethods()) {
                if (m.isAnnotationPresent(GET.class) || m.isAnnotationPresent(POST.class)
                        || m.isAnnotationPresent(PUT.class) || m.isAnnotationPresent(DELETE.class)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    @Test
    void everyEndpoint_mirrorsAnRpcOfTheTable() {
        assertThat(endpoints()).hasSizeGreaterThanOrEqualTo(20).allSatisfy(m -> {
            assertThat(m.getAnnotation(Mirrors.class)).as(m.toString()).isNotNull();
            assertThat(AccessTable.of(m.getAnnotation(Mirrors.class).value())).as(m.toString()).isPresent();
            assertThat(CallerFilter.required(m)).isNotEqualTo(Permission.PUBLIC);
        });
    }

    @Test
    void anEndpointWithoutAMirror_isRefused() throws Exception {
        Method unmarked = Object.class.getMethod("toString");

        CommandCenterException e = catchThrowableOfType(CommandCenterException.class,
                () -> CallerFilter.required(unmarked));

        assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(catchThrowableOfType(CommandCenterException.class, () -> CallerFilter.required(null)).kind())
                .isEqualTo(ErrorKind.PERMISSION_DENIED);
    }
}
