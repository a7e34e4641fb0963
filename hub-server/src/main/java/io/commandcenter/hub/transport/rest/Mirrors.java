package io.commandcenter.hub.transport.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The RPC a REST endpoint mirrors ({@code commandcenter.v1.Service/Method}): the endpoint needs what
 * that RPC needs in the access table. An endpoint without it is refused.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Mirrors {
    String value();
}
