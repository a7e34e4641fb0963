/**
 * The one error family of CommandCenter: {@link io.commandcenter.common.error.CommandCenterException}
 * with an {@link io.commandcenter.common.error.ErrorKind}, a stable reason and the
 * {@link io.commandcenter.common.error.FieldViolation fields at fault}. Plain Java; the gRPC status
 * table is in {@code io.commandcenter.common.error.grpc}, the HTTP table in the hub's REST adapter.
 */
package io.commandcenter.common.error;
