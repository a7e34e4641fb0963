package io.commandcenter.models.artifact;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import java.util.Locale;

/** Kind of model; its lower-case name is the artifact sub-directory and the JSON value. */
public enum ModelType {
    PREDICTIVE, CLASSIFIER, RECOMMENDER;

    public String directory() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code predictive | classifier | recommender} (any case); fails INVALID / MODEL_TYPE_UNKNOWN. */
    public static ModelType parse(String s) {
        for (ModelType t : values()) {
            if (t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw CommandCenterException.invalid("MODEL_TYPE_UNKNOWN", "unknown model type '" + s + "' (predictive | classifier | recommender)");
    }
}
