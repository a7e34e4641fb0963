package io.commandcenter.scheduler.agents;

/** Whether an agent receives assignments. */
public enum AgentState {
    /** Its stream is open on some hub. */
    CONNECTED,
    /** Its stream ended, it fell silent, or its hub left; its leases run until they expire. */
    DISCONNECTED
}
