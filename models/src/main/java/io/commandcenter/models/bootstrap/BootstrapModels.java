package io.commandcenter.models.bootstrap;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.artifact.SidecarJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bootstrap models shipped in this jar under {@value #ROOT}{@code <type>/<name>-<version>.onnx|.json},
 * listed in {@value #ROOT}{@code index.txt} (one {@code <type>/<name>-<version>} per line). The hub
 * registers them on first start: {@code new BootstrapModels().installInto(store)} then registers each.
 */
public final class BootstrapModels {

    public static final String ROOT = "/io/commandcenter/models/bootstrap/";

    private final SidecarJson json = new SidecarJson();

    /** Entries of the index, e.g. {@code predictive/service_health-1.0.0}. */
    public List<String> index() {
        try (InputStream in = BootstrapModels.class.getResourceAsStream(ROOT + "index.txt")) {
            if (in == null) {
                throw new CommandCenterException(ErrorKind.NOT_FOUND, "BOOTSTRAP_INDEX_MISSING", "no bootstrap index in the models jar");
            }
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        out.add(line.trim());
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All bootstrap artifacts. */
    public List<ModelArtifact> load() {
        List<ModelArtifact> out = new ArrayList<>();
        for (String entry : index()) {
            out.add(read(entry));
        }
        return out;
    }

    /** The bootstrap artifact named {@code name}; fails NOT_FOUND / BOOTSTRAP_MODEL_NOT_FOUND. */
    public ModelArtifact load(String name) {
        for (String entry : index()) {
            String stem = entry.substring(entry.indexOf('/') + 1);
            if (stem.substring(0, stem.lastIndexOf('-')).equals(name)) {
                return read(entry);
            }
        }
        throw new CommandCenterException(ErrorKind.NOT_FOUND, "BOOTSTRAP_MODEL_NOT_FOUND", "no bootstrap model " + name);
    }

    /** Writes every bootstrap artifact into {@code store} (idempotent); returns the ONNX paths. */
    public List<Path> installInto(ModelStore store) {
        List<Path> out = new ArrayList<>();
        for (ModelArtifact a : load()) {
            out.add(store.write(a));
        }
        return out;
    }

    private ModelArtifact read(String entry) {
        return new ModelArtifact(json.read(bytes(ROOT + entry + ".json")), bytes(ROOT + entry + ".onnx"));
    }

    private static byte[] bytes(String resource) {
        try (InputStream in = BootstrapModels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new CommandCenterException(ErrorKind.NOT_FOUND, "BOOTSTRAP_MODEL_NOT_FOUND", "missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
