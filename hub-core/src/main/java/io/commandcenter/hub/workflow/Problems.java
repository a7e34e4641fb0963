package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.CommandCenterException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The problems found in one workflow document, each a {@link FieldViolation} whose message starts
 * with the YAML position ({@code line 7, column 12: ...}), so an author hears of all of them at once.
 */
final class Problems {
    /** The reason of every workflow validation failure. */
    static final String REASON = "WORKFLOW_INVALID";
    /** More would only bury the first ones. */
    static final int MAX = 50;

    private final List<FieldViolation> list = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final boolean stored;

    /** Problems of a document being stored: every rule applies. */
    Problems() {
        this(false);
    }

    /**
     * @param stored whether the document is a revision already stored, being loaded: rules added since
     *               revisions were stored ({@link #addNewRule}) only warn, so a revision stored before
     *               them still loads (its runs resume, its approvals can be decided)
     */
    Problems(boolean stored) {
        this.stored = stored;
    }

    /** Records a problem at a node's start (its line and column). */
    void add(String field, Node at, String message) {
        add(field, at == null ? Optional.empty() : at.getStartMark(), message);
    }

    void add(String field, Optional<Mark> mark, String message) {
        if (list.size() < MAX) {
            list.add(new FieldViolation(field, REASON, position(mark) + message));
        }
    }

    /**
     * A rule that revisions stored before it may break (a trigger pattern that could never match):
     * a problem when the document is being stored; a warning when it is a stored revision, which
     * loads as it is.
     *
     * @return whether the part is refused (the document is being stored)
     */
    boolean addNewRule(String field, Node at, String message) {
        if (!stored) {
            add(field, at, message);
            return true;
        }
        warnings.add(field + " (" + position(at == null ? Optional.empty() : at.getStartMark()) + message + ")");
        return false;
    }

    /** What {@link #addNewRule} let through in a stored revision. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    int count() {
        return list.size();
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    /** Throws INVALID ({@value #REASON}) with every problem, if any. */
    void throwIfAny() {
        if (!list.isEmpty()) {
            throw failure(list);
        }
    }

    /** An INVALID failure for a document that cannot be read any further. */
    static CommandCenterException fatal(String field, Optional<Mark> mark, String message) {
        return failure(List.of(new FieldViolation(field, REASON, position(mark) + message)));
    }

    /** {@code line L, column C} of a node's start, or {@code unknown position}. */
    static String where(Node node) {
        String position = position(node.getStartMark());
        return position.isEmpty() ? "unknown position" : position.substring(0, position.length() - 2);
    }

    /** {@code line L, column C: } (1-based) or nothing when the position is unknown. */
    static String position(Optional<Mark> mark) {
        return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
    }

    private static CommandCenterException failure(List<FieldViolation> violations) {
        FieldViolation first = violations.get(0);
        String more = violations.size() == 1 ? ""
                : " (and " + (violations.size() - 1) + " more problem" + (violations.size() == 2 ? ")" : "s)");
        String where = first.field().isEmpty() ? "" : first.field() + ": ";
        return new CommandCenterException(ErrorKind.INVALID, REASON, "workflow is invalid: " + where + first.message() + more,
                Map.of(), violations, null);
    }
}
