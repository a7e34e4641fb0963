package io.commandcenter.models.confidence;

/**
 * A confidence value and the four terms it is the product of (each in [0, 1]).
 */
public record Confidence(double value, double calibration, double amount, double freshness, double agreement) {
}
