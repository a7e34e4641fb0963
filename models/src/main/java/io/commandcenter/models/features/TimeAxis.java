package io.commandcenter.models.features;

/** How sample times are given: epoch milliseconds (live telemetry, timestamped files) or plain row steps. */
public enum TimeAxis {
    /** Times are epoch milliseconds; the sampling interval is inferred and daily/weekly periods derived from it. */
    EPOCH_MILLIS,
    /** Times are integer steps of unknown duration; seasonality is searched among common periods. */
    STEPS
}
