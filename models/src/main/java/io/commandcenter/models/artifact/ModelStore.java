package io.commandcenter.models.artifact;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The artifact layout on disk: {@code <root>/<type>/<name>-<version>.onnx} plus
 * {@code <name>-<version>.json} beside it. Writes go to a temporary file first and are moved into
 * place atomically (ONNX, then sidecar: a listed artifact is always complete).
 */
public final class ModelStore {

    private final Path root;
    private final SidecarJson json = new SidecarJson();

    public ModelStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path onnxPath(ModelType type, String name, String version) {
        return root.resolve(type.directory()).resolve(name + "-" + version + ".onnx");
    }

    public Path sidecarPath(ModelType type, String name, String version) {
        return root.resolve(type.directory()).resolve(name + "-" + version + ".json");
    }

    /**
     * Writes an artifact; fails CONFLICT / MODEL_EXISTS if that version exists with different bytes
     * (rewriting identical bytes is a no-op, so reproducible regeneration is idempotent).
     */
    public Path write(ModelArtifact artifact) {
        ModelMetadata m = artifact.metadata();
        Path onnx = onnxPath(m.type(), m.name(), m.version());
        Path sidecar = sidecarPath(m.type(), m.name(), m.version());
        byte[] sidecarBytes = json.write(m);
        try {
            if (Files.exists(onnx)) {
                if (java.util.Arrays.equals(Files.readAllBytes(onnx), artifact.onnx())
                        && Files.exists(sidecar) && java.util.Arrays.equals(Files.readAllBytes(sidecar), sidecarBytes)) {
                    return onnx;
                }
                throw new CommandCenterException(ErrorKind.CONFLICT, "MODEL_EXISTS",
                        "model " + m.fileStem() + " already exists with different content", Map.of("path", onnx.toString()), java.util.List.of(), null);
            }
            Files.createDirectories(onnx.getParent());
            atomicWrite(onnx, artifact.onnx());
            atomicWrite(sidecar, sidecarBytes);
            return onnx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one artifact; fails NOT_FOUND / MODEL_NOT_FOUND when either file is missing. */
    public ModelArtifact read(ModelType type, String name, String version) {
        Path onnx = onnxPath(type, name, version);
        Path sidecar = sidecarPath(type, name, version);
        if (!Files.isRegularFile(onnx) || !Files.isRegularFile(sidecar)) {
            throw new CommandCenterException(ErrorKind.NOT_FOUND, "MODEL_NOT_FOUND",
                    "no model " + name + "-" + version + " of type " + type.directory(), Map.of("path", onnx.toString()), java.util.List.of(), null);
        }
        try {
            return new ModelArtifact(json.read(Files.readAllBytes(sidecar)), Files.readAllBytes(onnx));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sidecars of every complete artifact under the root, sorted by type, name, version. */
    public List<ModelMetadata> list() {
        List<ModelMetadata> out = new ArrayList<>();
        for (ModelType t : ModelType.values()) {
            Path dir = root.resolve(t.directory());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    Path onnx = p.resolveSibling(p.getFileName().toString().replaceFirst("\\.json$", ".onnx"));
                    if (Files.isRegularFile(onnx)) {
                        out.add(json.read(Files.readAllBytes(p)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static void atomicWrite(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
