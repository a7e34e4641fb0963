package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads untrusted YAML into a node tree with positions, refusing what could hurt the hub or hide
 * meaning: documents over {@value #MAX_BYTES} bytes, nesting deeper than {@value #MAX_DEPTH},
 * more than {@value #MAX_ALIASES} aliases or {@value #MAX_NODES} nodes after alias expansion (YAML
 * bombs), recursive aliases, merge keys ({@code <<}), tags outside the YAML core schema, keys that
 * are not strings and duplicate keys. Nesting and aliases are counted on the event stream first,
 * which the parser produces without recursion, so a hostile document is refused before a tree is
 * built. Every refusal is INVALID {@code WORKFLOW_INVALID} with the line and column.
 */
final class SafeYaml {
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_DEPTH = 12;
    static final int MAX_ALIASES = 16;
    static final int MAX_NODES = 20_000;

    private static final String CORE = "tag:yaml.org,2002:";
    /** Explicit tags a document may carry; {@code !} is the non-specific tag (a plain string). */
    private static final Set<String> EXPLICIT_TAGS = Set.of("!", CORE + "str", CORE + "int", CORE + "float",
            CORE + "bool", CORE + "null", CORE + "seq", CORE + "map");
    private static final Set<Tag> NODE_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ,
            Tag.MAP);

    private final LoadSettings settings = LoadSettings.builder()
            .setLabel("workflow")
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setCodePointLimit(MAX_BYTES)
            .setUseMarks(true)
            .build();

    /**
     * The document's root mapping.
     *
     * @throws CommandCenterException INVALID ({@code WORKFLOW_INVALID}) on the first limit crossed, on YAML
     *         that does not parse (with the parser's position), or when the root is not a mapping
     */
    MappingNode read(String text) {
        checkSize(text);
        scan(text);
        Node root;
        try {
            root = new Compose(settings).composeString(text).orElseThrow(() -> Problems.fatal("",
                    Optional.empty(), "line 1, column 1: the document is empty; a workflow needs name, trigger and nodes"));
        } catch (YamlEngineException e) {
            throw malformed(e);
        }
        new Walk().visit(root, "", 1);
        if (!(root instanceof MappingNode mapping)) {
            throw Problems.fatal("", root.getStartMark(), "a workflow is a mapping (name:, trigger:, nodes:), not a "
                    + kind(root));
        }
        return mapping;
    }

    private static void checkSize(String text) {
        long bytes = 0;
        int line = 0;
        int column = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            if (bytes > MAX_BYTES) {
                throw Problems.fatal("", Optional.empty(), "line " + (line + 1) + ", column " + (column + 1)
                        + ": the document is longer than " + MAX_BYTES + " bytes (64 KiB)");
            }
            if (c == '\n') {
                line++;
                column = 0;
            } else {
                column++;
            }
        }
    }

    /** Counts depth and aliases and checks tags and merge keys on the event stream. */
    private void scan(String text) {
        // per open collection: -1 for a sequence, else the number of nodes seen in the mapping so far
        Deque<int[]> open = new ArrayDeque<>();
        int aliases = 0;
        try {
            for (Event event : new Parse(settings).parseString(text)) {
                Event.ID id = event.getEventId();
                if (id == Event.ID.MappingEnd || id == Event.ID.SequenceEnd) {
                    open.pop();
                    continue;
                }
                if (id != Event.ID.Scalar && id != Event.ID.Alias && id != Event.ID.MappingStart
                        && id != Event.ID.SequenceStart) {
                    continue;
                }
                boolean key = !open.isEmpty() && open.peek()[0] >= 0 && open.peek()[0]++ % 2 == 0;
                if (id == Event.ID.Alias && ++aliases > MAX_ALIASES) {
                    throw Problems.fatal("", event.getStartMark(), "more than " + MAX_ALIASES
                            + " aliases (*name); aliases are limited so that a small document cannot expand into a huge one");
                }
                if (event instanceof ScalarEvent scalar) {
                    checkTag(scalar.getTag(), event);
                    if (key && scalar.isPlain() && scalar.getValue().equals("<<")) {
                        throw Problems.fatal("", event.getStartMark(),
                                "merge keys (<<) are not supported; write the keys out");
                    }
                } else if (event instanceof CollectionStartEvent collection) {
                    checkTag(collection.getTag(), event);
                    if (open.size() + 1 > MAX_DEPTH) {
                        throw Problems.fatal("", event.getStartMark(), "the document nests deeper than "
                                + MAX_DEPTH + " levels");
                    }
                    open.push(new int[] {id == Event.ID.MappingStart ? 0 : -1});
                }
            }
        } catch (YamlEngineException e) {
            throw malformed(e);
        }
    }

    private static void checkTag(Optional<String> tag, Event event) {
        if (tag.isPresent() && !EXPLICIT_TAGS.contains(tag.get())) {
            throw customTag(tag.get(), event.getStartMark());
        }
    }

    private static CommandCenterException customTag(String tag, Optional<Mark> mark) {
        String shown = tag.startsWith(CORE) ? "!!" + tag.substring(CORE.length()) : tag;
        return Problems.fatal("", mark, "tag '" + shown + "' is not allowed; only plain values (strings, numbers, "
                + "booleans, null), lists and maps");
    }

    private static CommandCenterException malformed(YamlEngineException e) {
        if (e instanceof MarkedYamlEngineException marked) {
            Optional<Mark> mark = marked.getProblemMark().isPresent() ? marked.getProblemMark() : marked.getContextMark();
            String context = marked.getContext() == null ? "" : " (" + marked.getContext()
                    + marked.getContextMark().map(m -> " at line " + (m.getLine() + 1) + ", column "
                    + (m.getColumn() + 1)).orElse("") + ")";
            return Problems.fatal("", mark, "not valid YAML: " + marked.getProblem() + context);
        }
        return Problems.fatal("", Optional.empty(), "line 1, column 1: not valid YAML: " + e.getMessage());
    }

    private static String kind(Node node) {
        return node instanceof ScalarNode ? "single value" : node instanceof SequenceNode ? "list" : "mapping";
    }

    /** Walks the composed tree (aliases are shared nodes), counting every visit. */
    private static final class Walk {
        private int visits;

        void visit(Node node, String path, int depth) {
            if (node.isRecursive()) {
                throw Problems.fatal(path, node.getStartMark(), "an alias refers to a node that contains it");
            }
            if (++visits > MAX_NODES) {
                throw Problems.fatal(path, node.getStartMark(), "the document expands to more than " + MAX_NODES
                        + " values through aliases");
            }
            if (!(node instanceof ScalarNode) && depth > MAX_DEPTH) {
                throw Problems.fatal(path, node.getStartMark(), "the document nests deeper than " + MAX_DEPTH + " levels");
            }
            if (!NODE_TAGS.contains(node.getTag())) {
                throw customTag(node.getTag().getValue(), node.getStartMark());
            }
            if (node instanceof SequenceNode sequence) {
                for (int i = 0; i < sequence.getValue().size(); i++) {
                    visit(sequence.getValue().get(i), path + "[" + i + "]", depth + 1);
                }
            } else if (node instanceof MappingNode mapping) {
                Map<String, Node> seen = new HashMap<>();
                for (NodeTuple entry : mapping.getValue()) {
                    String key = key(entry.getKeyNode(), path);
                    String child = path.isEmpty() ? key : path + "." + key;
                    Node first = seen.putIfAbsent(key, entry.getKeyNode());
                    if (first != null) {
                        throw Problems.fatal(child, entry.getKeyNode().getStartMark(), "duplicate key '" + key
                                + "' (first at line " + first.getStartMark().map(m -> m.getLine() + 1).orElse(0) + ")");
                    }
                    visit(entry.getValueNode(), child, depth + 1);
                }
            }
        }

        private static String key(Node key, String path) {
            if (key instanceof ScalarNode scalar && key.getTag().equals(Tag.STR)) {
                return scalar.getValue();
            }
            throw Problems.fatal(path, key.getStartMark(), "keys must be strings; got a "
                    + (key instanceof ScalarNode ? key.getTag().getValue().replace(CORE, "") : kind(key))
                    + " (quote it to make it a string)");
        }
    }
}
